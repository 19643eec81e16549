/**
 * Splits a stream of newline-delimited JSON into objects as the chunks arrive; a line split
 * across two chunks is joined before it is parsed.
 */
export function ndjsonSplitter<T>(onEvent: (event: T) => void): { push(chunk: string): void; end(): void } {
  let buffer = '';
  const emit = (line: string) => {
    if (line.trim()) onEvent(JSON.parse(line) as T);
  };
  return {
    push(chunk) {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        emit(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    },
    end() {
      emit(buffer);
      buffer = '';
    },
  };
}
