/**
 * A tiny DOM builder. Text is always inserted as text (`append` of strings creates text nodes) and
 * attributes through `setAttribute`: nothing from the host or an API is ever parsed as HTML.
 */

export type Child = Node | string | null | undefined | false;

/** An element with attributes (an `undefined` value is skipped) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** A codicon from the bundled font (decorative: hidden from screen readers). */
export function codicon(name: string, extraClass = ''): HTMLSpanElement {
  return el('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, 'aria-hidden': 'true' });
}

/** Sets an attribute only when it changes (keeps mutation observers and layout quiet). */
export function setAttr(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** Sets text only when it changes. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
