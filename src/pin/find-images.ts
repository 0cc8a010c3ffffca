// Finds the image fields of Kubernetes objects in YAML text with their source ranges, so they can
// be rewritten in place (comments, quoting and layout untouched). Pod specs are found by the
// paths of the pod-bearing kinds, and by structure for kinds Bosun does not know (any object with
// `spec.template.spec.containers` or `spec.jobTemplate.spec.template.spec.containers`), inside
// `List` items too.
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { BosunError } from '../util/errors.ts';

export interface ImageField {
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  readonly kind: string;
  readonly name: string;
  /** JSON pointer of the image field inside the document. */
  readonly pointer: string;
  readonly image: string;
  /** Byte offsets [start, end) of the scalar's source text, quotes included. */
  readonly start: number;
  readonly end: number;
  readonly quote: 'plain' | 'single' | 'double' | 'other';
}

const POD_SPEC_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template', 'spec'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  ['template', 'spec'],
];
const SECTIONS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

function get(node: Node | null | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const v = node.get(key, true);
  return (v ?? undefined) as Node | undefined;
}

function scalarString(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function podSpecs(object: Node, prefix: string): { spec: Node; pointer: string }[] {
  const kind = scalarString(get(object, 'kind'));
  if (kind === 'Pod') {
    const spec = get(object, 'spec');
    return spec === undefined ? [] : [{ spec, pointer: `${prefix}/spec` }];
  }
  const out: { spec: Node; pointer: string }[] = [];
  for (const path of POD_SPEC_PATHS) {
    let node: Node | undefined = object;
    for (const key of path) node = get(node, key);
    if (node !== undefined && isMap(node)) out.push({ spec: node, pointer: `${prefix}/${path.join('/')}` });
  }
  return out;
}

function collect(object: Node, document: number, prefix: string, out: ImageField[], depth = 0): void {
  if (!isMap(object) || depth > 4) return;
  const kind = scalarString(get(object, 'kind')) ?? '';
  const items = get(object, 'items');
  if (kind.endsWith('List') && isSeq(items)) {
    items.items.forEach((item, i) => collect(item as Node, document, `${prefix}/items/${i}`, out, depth + 1));
    return;
  }
  const name = scalarString(get(get(object, 'metadata'), 'name')) ?? '';
  for (const { spec, pointer } of podSpecs(object, prefix)) {
    for (const section of SECTIONS) {
      const list = get(spec, section);
      if (!isSeq(list)) continue;
      list.items.forEach((c, i) => {
        const img = get(c as Node, 'image');
        const image = scalarString(img);
        if (image === undefined || !isScalar(img) || img.range == null) return;
        const [start, valueEnd] = img.range;
        const quote =
          img.type === 'PLAIN'
            ? 'plain'
            : img.type === 'QUOTE_SINGLE'
              ? 'single'
              : img.type === 'QUOTE_DOUBLE'
                ? 'double'
                : 'other';
        out.push({
          document,
          kind,
          name,
          pointer: `${pointer}/${section}/${i}/image`,
          image,
          start,
          end: valueEnd,
          quote,
        });
      });
    }
  }
}

export interface ParsedYaml {
  readonly documents: readonly Document.Parsed[];
  readonly images: readonly ImageField[];
}

/** Image fields of every Kubernetes object in `text`; PIN_INPUT_INVALID when the YAML does not parse. */
export function findImageFields(text: string, file: string, maxDocuments = 10_000): ParsedYaml {
  const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(documents)) return { documents: [], images: [] };
  if (documents.length > maxDocuments)
    throw new BosunError('PIN_INPUT_INVALID', `${file}: more than ${maxDocuments} YAML documents`, {
      details: { input: file, limit: 'documents', max: maxDocuments },
    });
  const images: ImageField[] = [];
  documents.forEach((doc, i) => {
    if (doc.errors.length > 0)
      throw new BosunError(
        'PIN_INPUT_INVALID',
        `${file}: YAML document ${i + 1} does not parse: ${doc.errors[0]!.code}`,
        {
          details: { input: file, document: i + 1 },
        },
      );
    if (doc.contents !== null) collect(doc.contents as Node, i, '', images);
  });
  return { documents, images };
}
