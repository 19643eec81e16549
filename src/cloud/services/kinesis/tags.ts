import { createRequire, Module } from 'node:module';

// kinesalite's store, as far as tagging uses it (kinesalite ships no types).
interface KinesaliteStream {
  _tags: Record<string, string>;
}
interface KinesaliteStore {
  metaDb: {
    lock(name: string, work: (release: <C extends (...args: never[]) => void>(callback: C) => C) => void): void;
    put(name: string, stream: KinesaliteStream, callback: (error?: Error) => void): void;
  };
  getStream(name: string, callback: (error: Error | null, stream?: KinesaliteStream) => void): void;
}
type Callback = (error?: Error | null) => void;

const require = createRequire(import.meta.url);
const { clientError } = require('kinesalite/db') as { clientError(type: string, message: string): Error };

/**
 * Tag keys and values as AWS accepts them: letters, digits, white space and `_ . : / = + - @`.
 * The Kinesis reference lists no colon, and kinesalite follows it, but AWS accepts one (kinesalite
 * issue 107); every tag the workshop puts on a lab's resources has one (`workshop:lab`).
 */
const VALID_TAG = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** AWS: at most 50 tags per stream. */
const MAX_TAGS = 50;

/**
 * AddTagsToStream, in place of kinesalite's own: the same store and errors, with the tag
 * characters AWS accepts.
 */
export function addTagsToStream(store: KinesaliteStore, data: { StreamName: string; Tags: Record<string, string> }, done: Callback): void {
  store.metaDb.lock(data.StreamName, (release) => {
    const callback = release(done);
    store.getStream(data.StreamName, (error, stream) => {
      if (error || !stream) return callback(error);
      const invalid = Object.entries(data.Tags).find(([key, value]) => !VALID_TAG.test(key) || !VALID_TAG.test(value));
      if (invalid)
        return callback(
          clientError(
            'InvalidArgumentException',
            `Tag ${invalid[0]}=${invalid[1]} contains invalid characters. Valid characters: Unicode letters, digits, white space, _ . : / = + - @.`,
          ),
        );
      const keys = new Set([...Object.keys(stream._tags), ...Object.keys(data.Tags)]);
      if (keys.size > MAX_TAGS)
        return callback(
          clientError(
            'InvalidArgumentException',
            `Failed to add tags to stream ${data.StreamName}: a stream can have at most ${MAX_TAGS} tags.`,
          ),
        );
      Object.assign(stream._tags, data.Tags);
      store.metaDb.put(data.StreamName, stream, (putError) => callback(putError));
    });
  });
}

/**
 * Makes kinesalite use `addTagsToStream` above. kinesalite loads each action once, by path, when
 * it is first required: the module put in its place before that is the one it keeps.
 */
export function installKinesisTagging(): void {
  const path = require.resolve('kinesalite/actions/addTagsToStream');
  if (require.cache[path]?.exports === addTagsToStream) return;
  if (require.cache[require.resolve('kinesalite')]) throw new Error('installKinesisTagging() must run before kinesalite is first loaded.');
  const action = new Module(path);
  action.filename = path;
  action.loaded = true;
  action.exports = addTagsToStream;
  require.cache[path] = action;
}
