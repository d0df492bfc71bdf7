/**
 * Where a value is written in a scenario's YAML text: the 1-based line of the node at a
 * document path (e.g. ['providers', 2, 'cash']), or undefined when the document does not set
 * it (the value is costsim's default). Pure: text in, line numbers out.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';

/** A lookup of lines in `text`; the text is parsed once. */
export function scenarioLineLocator(text: string): (path: ReadonlyArray<string | number>) => number | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  return (path) => {
    const node = doc.getIn(path, true);
    return isNode(node) && node.range ? counter.linePos(node.range[0]).line : undefined;
  };
}
