// Prepares Envoy's xDS API protos for protoc, run by Mesh.Xds.csproj before Protobuf compilation.
//
//   node prepare-protos.mjs <npm package spec> <proto dir> <closure list file> <root.proto>...
//
// 1. Unless <proto dir> already exists: `npm pack` the package (its deps/ folder carries envoy-api, cncf xds,
//    googleapis and protoc-gen-validate), merge those four import roots into one tree and strip the
//    `ignore_empty` validate options (the bundled validate.proto predates them, so protoc would reject them).
//    The tree is built in a private temporary folder and renamed into place, so two builds racing on the same
//    obj/ folder never see a half-written tree: the loser of the rename simply uses the winner's.
// 2. Writes the transitive import closure of the roots (paths relative to <proto dir>, sorted) to the list file.
//    google/protobuf/* imports are skipped: Google.Protobuf ships those types and Grpc.Tools their .proto files.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [packageSpec, protoDir, listFile, ...roots] = process.argv.slice(2);
if (!packageSpec || !protoDir || !listFile || roots.length === 0) {
  fail('usage: node prepare-protos.mjs <npm package spec> <proto dir> <closure list file> <root.proto>...');
}

// Import roots inside the package's deps/ folder, and which of their top-level folders hold API protos
// (protoc-gen-validate also carries tests/ and java/ that are not part of the API).
const importRoots = [
  { dir: 'envoy-api', only: null },
  { dir: 'xds', only: null },
  { dir: 'googleapis', only: null },
  { dir: 'protoc-gen-validate', only: ['validate'] },
];

if (!fs.existsSync(protoDir)) {
  buildProtoTree();
}
writeClosure();

function buildProtoTree() {
  const parent = path.dirname(path.resolve(protoDir));
  fs.mkdirSync(parent, { recursive: true });
  const work = fs.mkdtempSync(path.join(parent, '.prepare-'));
  try {
    const tarball = npmPack(work);
    const extracted = path.join(work, 'extracted');
    fs.mkdirSync(extracted);
    execFileSync('tar', ['-xzf', tarball, '-C', extracted], { stdio: ['ignore', 'ignore', 'inherit'] });
    const deps = path.join(extracted, 'package', 'deps');
    if (!fs.existsSync(deps)) fail(`${packageSpec} has no deps/ folder`);

    const tree = path.join(work, 'protos');
    const seen = new Map();
    let stripped = 0;
    for (const root of importRoots) {
      const rootDir = path.join(deps, root.dir);
      for (const file of listProtos(rootDir)) {
        const rel = toPosix(path.relative(rootDir, file));
        if (root.only && !root.only.includes(rel.split('/')[0])) continue;
        if (seen.has(rel)) fail(`${rel} is in both ${seen.get(rel)} and ${root.dir}`);
        seen.set(rel, root.dir);
        const original = fs.readFileSync(file, 'utf8');
        const text = stripIgnoreEmpty(original, rel);
        if (text !== original) stripped++;
        const target = path.join(tree, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
      }
    }
    try {
      fs.renameSync(tree, protoDir);
      log(`${seen.size} protos from ${packageSpec} in ${protoDir} (ignore_empty stripped from ${stripped})`);
    } catch (e) {
      // Another build finished first; its tree is identical.
      if (!fs.existsSync(protoDir)) throw e;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function npmPack(destination) {
  const windows = process.platform === 'win32';
  const output = execFileSync(windows ? 'npm.cmd' : 'npm',
    // An exact version never changes on the registry, so a cached copy is as good as a download.
    ['pack', packageSpec, '--pack-destination', destination, '--ignore-scripts', '--prefer-offline', '--json'],
    { cwd: destination, shell: windows, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [packed] = JSON.parse(output);
  return path.join(destination, packed.filename);
}

// The bundled validate.proto has no `ignore_empty` field, so any use makes protoc fail. It appears either inside
// a rules literal (`{well_known_regex: HTTP_HEADER_NAME ignore_empty: true}`) or as a dotted option
// (`(validate.rules).string.ignore_empty = true`). Validation rules never reach the generated C#.
function stripIgnoreEmpty(text, rel) {
  const dotted = String.raw`\(validate\.rules\)(?:\.\w+)*\.ignore_empty\s*=\s*true`;
  const result = text
    .replace(/\s*\bignore_empty\s*:\s*true\b\s*[,;]?/g, '')
    .replace(new RegExp(String.raw`\s*\[\s*${dotted}\s*\]`, 'g'), '')
    .replace(new RegExp(String.raw`\s*,\s*${dotted}`, 'g'), '')
    .replace(new RegExp(String.raw`${dotted}\s*,\s*`, 'g'), '');
  if (/\bignore_empty\b/.test(result)) fail(`${rel}: an ignore_empty option was left that this script cannot strip`);
  return result;
}

function writeClosure() {
  const closure = new Set();
  const pending = [...roots];
  while (pending.length > 0) {
    const rel = pending.pop();
    if (closure.has(rel)) continue;
    const file = path.join(protoDir, rel);
    if (!fs.existsSync(file)) fail(`${rel} is not in ${protoDir}`);
    closure.add(rel);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)) {
      const imported = match[1];
      if (imported.startsWith('google/protobuf/') && !fs.existsSync(path.join(protoDir, imported))) continue;
      pending.push(imported);
    }
  }
  const lines = [...closure].sort().join(os.EOL) + os.EOL;
  const temp = `${listFile}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(path.resolve(listFile)), { recursive: true });
  fs.writeFileSync(temp, lines);
  fs.renameSync(temp, listFile);
  log(`${closure.size} protos in the closure of ${roots.length} roots`);
}

function* listProtos(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* listProtos(full);
    else if (entry.name.endsWith('.proto')) yield full;
  }
}

function toPosix(p) {
  return p.split(path.sep).join('/');
}

function log(message) {
  console.log(`prepare-protos: ${message}`);
}

function fail(message) {
  console.error(`prepare-protos: error: ${message}`);
  process.exit(1);
}
