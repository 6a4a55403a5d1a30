// A compiled discovery chain (/v1/discovery-chain/:service) drawn as four columns: routers -> splitters ->
// resolvers -> targets, with an edge for each route, split (with its weight), resolver target and failover.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLUMNS = ['router', 'splitter', 'resolver', 'target'];
const BOX_W = 200;
const BOX_H = 44;
const GAP_X = 70;
const GAP_Y = 16;
const PAD = 16;

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function short(text, max = 28) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The services the chain's targets point at (its upstream services beyond the chain's own name). */
export function chainServices(chain) {
  return [...new Set(Object.values(chain?.Targets || {}).map(t => t.Service).filter(Boolean))];
}

/** The nodes and edges of a chain: [{ id, type, label }], [{ from, to, label }]. */
export function chainModel(chain) {
  const nodes = [];
  const edges = [];
  for (const [id, node] of Object.entries(chain.Nodes || {})) {
    const type = node.Type;
    nodes.push({ id, type, label: node.Name });
    for (const route of node.Routes || []) {
      const match = route.Definition?.Match?.HTTP;
      const label = match?.PathPrefix ?? match?.PathExact ?? match?.PathRegex ?? '';
      edges.push({ from: id, to: route.NextNode, label });
    }
    for (const split of node.Splits || []) edges.push({ from: id, to: split.NextNode, label: `${split.Weight}%` });
    if (node.Resolver?.Target) edges.push({ from: id, to: `target:${node.Resolver.Target}`, label: '' });
    for (const target of node.Resolver?.Failover?.Targets || []) edges.push({ from: id, to: `target:${target}`, label: 'failover' });
  }
  for (const id of Object.keys(chain.Targets || {})) nodes.push({ id: `target:${id}`, type: 'target', label: id });
  return { nodes, edges };
}

export function chainGraph(chain) {
  const { nodes, edges } = chainModel(chain);
  const place = new Map();
  const heights = COLUMNS.map(() => 0);
  for (const node of nodes) {
    const column = Math.max(0, COLUMNS.indexOf(node.type));
    const row = heights[column]++;
    place.set(node.id, { ...node, x: PAD + column * (BOX_W + GAP_X), y: PAD + 18 + row * (BOX_H + GAP_Y) });
  }
  // An edge that skips a column (a router straight to a resolver) runs in a lane under the boxes.
  const column = x => Math.round((x - PAD) / (BOX_W + GAP_X));
  const skipping = edges.filter(e => place.has(e.from) && place.has(e.to) && column(place.get(e.to).x) - column(place.get(e.from).x) > 1);
  const width = PAD * 2 + COLUMNS.length * BOX_W + (COLUMNS.length - 1) * GAP_X;
  const boxesBottom = PAD + 18 + Math.max(1, ...heights) * (BOX_H + GAP_Y);
  const height = boxesBottom + PAD + skipping.length * 22;
  const svg = s('svg', {
    class: 'chain', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `Discovery chain of ${chain.ServiceName}: ${nodes.length} nodes, ${edges.length} edges`,
  });
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' }))));
  COLUMNS.forEach((name, i) => svg.append(s('text', { x: PAD + i * (BOX_W + GAP_X), y: PAD + 4, class: 'kind' }, `${name}s`)));
  for (const edge of edges) {
    const a = place.get(edge.from);
    const b = place.get(edge.to);
    if (!a || !b) continue;
    const x1 = a.x + BOX_W; const y1 = a.y + BOX_H / 2;
    const x2 = b.x; const y2 = b.y + BOX_H / 2;
    const mid = (x1 + x2) / 2;
    const lane = skipping.indexOf(edge);
    if (lane >= 0) {
      const y = boxesBottom + 6 + lane * 22;
      const bend = GAP_X / 2;
      svg.append(s('path', {
        d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x1 + bend} ${y}, ${x1 + GAP_X} ${y} L ${x2 - GAP_X} ${y} C ${x2 - bend} ${y}, ${x2 - bend} ${y2}, ${x2} ${y2}`,
        'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to,
      }));
      if (edge.label) svg.append(s('text', { x: mid, y: y - 4, class: 'edge-label', 'text-anchor': 'middle' }, short(edge.label, 24)));
      continue;
    }
    svg.append(s('path', { d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`, 'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to }));
    if (edge.label) svg.append(s('text', { x: mid, y: (y1 + y2) / 2 - 4, class: 'edge-label', 'text-anchor': 'middle' }, short(edge.label, 16)));
  }
  for (const node of place.values()) {
    const group = s('g', { class: node.type, 'data-node': node.id },
      s('rect', { x: node.x, y: node.y, width: BOX_W, height: BOX_H, rx: 6 }),
      s('text', { x: node.x + 8, y: node.y + 16, class: 'kind' }, node.type),
      s('text', { x: node.x + 8, y: node.y + 33 }, short(node.label)));
    group.append(s('title', {}, `${node.type}: ${node.label}`));
    svg.append(group);
  }
  // The same graph as text, for screen readers and for copying.
  const text = h('details', {}, h('summary', {}, 'Chain as text'),
    h('ul', {}, edges.map(e => h('li', {}, `${e.from} → ${e.to}${e.label ? ` (${e.label})` : ''}`))));
  return h('div', { class: 'scroll' }, svg, text);
}
