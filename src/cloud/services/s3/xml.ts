import { AwsError } from '../../aws/errors.ts';

/** One XML element: its local name (namespace prefix dropped), child elements and text. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity[0] === '#')
      return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    return ENTITIES[entity.toLowerCase()];
  });
}

const malformed = () =>
  new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

/**
 * Reads the small XML documents S3's REST API receives (configurations, delete lists) into a
 * tree. It knows elements, text, entities, CDATA, comments and the prolog; S3 rejects anything
 * else as MalformedXML, and so does this.
 */
export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const token =
    /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let consumed = 0;
  for (let match = token.exec(source); match; match = token.exec(source)) {
    if (match.index !== consumed) throw malformed();
    consumed = token.lastIndex;
    const [, cdata, closing, opening, , selfClosing, text] = match;
    const current = stack[stack.length - 1];
    if (cdata !== undefined) current.text += cdata;
    else if (text !== undefined) current.text += unescapeXml(text);
    else if (closing !== undefined) {
      if (stack.length < 2 || localName(closing) !== current.name) throw malformed();
      stack.pop();
    } else if (opening !== undefined) {
      const element: XmlElement = { name: localName(opening), children: [], text: '' };
      current.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (consumed !== source.length || stack.length !== 1 || root.children.length !== 1) throw malformed();
  return root.children[0];
}

function localName(name: string): string {
  return name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
}

/** The children of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The text of the first child named `name`, if there is one (exact: object keys may have spaces). */
export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}
