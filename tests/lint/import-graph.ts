// Checks the import graph of every TypeScript file in the project, in about two seconds:
// - no import circles, counting `import type` and `import()` too (import-x/no-cycle skips
//   type-only imports, and a type-only circle still ties two features together);
// - no dead export: one that no other file imports and its own file does not use either.
//   (An export used only inside its own file is allowed: it is live code.)
// Run by `npm run lint` after ESLint. Only syntax is read (TypeScript's parser, no type check).
// Usage: node tests/lint/import-graph.ts
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIRS = ['src', 'sw', 'tests'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);

/** One import or re-export of a project file; `names` holds '*' when every export may be used. */
type Edge = { to: string; names: string[]; kind: 'value' | 'type' | 'dynamic' };
/** An export's line, and whether its own file uses it (never counted for an `export { x }` list). */
type Export = { line: number; usedInFile: boolean };
type Module = { edges: Edge[]; exports: Map<string, Export> };

function sourceFiles(): string[] {
  const files = fs.readdirSync(ROOT).filter((name) => /\.tsx?$/.test(name));
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(rel);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files.sort();
}

/** Project-relative path of a relative specifier, or undefined for packages and node: modules. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.join(path.dirname(from), specifier);
  for (const candidate of [target, `${target}.ts`, `${target}.tsx`, path.join(target, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && fs.existsSync(path.join(ROOT, candidate))) return candidate;
  }
  return undefined;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

function readModule(file: string): Module {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const edges: Edge[] = [];
  const exports = new Map<string, Export>();
  const declared: string[] = [];
  const addExport = (name: string, node: ts.Node, inExportList = false) => {
    exports.set(name, { line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, usedInFile: false });
    if (!inExportList) declared.push(name);
  };
  const addEdge = (specifier: ts.Node | undefined, names: string[], kind: Edge['kind'] = 'value') => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const to = resolveSpecifier(file, specifier.text);
    if (to) edges.push({ to, names, kind });
  };

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const names: string[] = [];
      if (clause?.name) names.push('default');
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
      let typeOnly = clause?.isTypeOnly ?? false;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
        typeOnly ||= !clause?.name && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
      }
      addEdge(statement.moduleSpecifier, names, typeOnly ? 'type' : 'value');
    } else if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) addExport(element.name.text, element, true);
        const typeOnly = statement.isTypeOnly || clause.elements.every((element) => element.isTypeOnly);
        addEdge(statement.moduleSpecifier, clause.elements.map((element) => (element.propertyName ?? element.name).text), typeOnly ? 'type' : 'value');
      } else {
        // `export * from` and `export * as ns from` pass on whatever the target exports.
        if (clause) addExport(clause.name.text, clause, true);
        addEdge(statement.moduleSpecifier, ['*'], statement.isTypeOnly ? 'type' : 'value');
      }
    } else if (ts.isExportAssignment(statement)) {
      addExport('default', statement);
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) addExport('default', statement);
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          for (const name of bindingNames(declaration.name)) addExport(name, declaration);
        }
      } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
        addExport((statement.name as ts.Identifier).text, statement);
      }
    }
  }

  // `import('./x.ts')` as a call or as a type reaches every export of x. Identifiers are counted
  // to tell an export its file uses (more than its one declaration) from a dead one.
  const identifierCount = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) addEdge(node.arguments[0], ['*'], 'dynamic');
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) addEdge(node.argument.literal, ['*'], 'type');
    if (ts.isIdentifier(node)) identifierCount.set(node.text, (identifierCount.get(node.text) ?? 0) + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const name of declared) {
    const entry = exports.get(name);
    if (entry) entry.usedInFile = (identifierCount.get(name) ?? 0) > 1;
  }
  return { edges, exports };
}

/** Tarjan's strongly connected components: every group of two or more files that import each other in a circle. */
function circles(graph: Map<string, Module>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (file: string): void => {
    index.set(file, counter);
    lowLink.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const { to } of graph.get(file)?.edges ?? []) {
      if (!index.has(to)) {
        connect(to);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(to)!));
      } else if (onStack.has(to)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(to)!));
      }
    }
    if (lowLink.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      const importsItself = graph.get(file)?.edges.some(({ to }) => to === file) ?? false;
      if (group.length > 1 || importsItself) found.push(group.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return found;
}

/**
 * Exports that no importer names and their own file does not use. Files nothing imports are
 * entry points (main, CLIs, migrations, tests) and are skipped.
 */
function deadExports(graph: Map<string, Module>): string[] {
  const usedNames = new Map<string, Set<string>>();
  for (const module of graph.values()) {
    for (const { to, names } of module.edges) {
      const used = usedNames.get(to) ?? new Set<string>();
      for (const name of names) used.add(name);
      usedNames.set(to, used);
    }
  }
  const unused: string[] = [];
  for (const [file, module] of graph) {
    const used = usedNames.get(file);
    if (!used || used.has('*')) continue;
    for (const [name, { line, usedInFile }] of module.exports) {
      if (!used.has(name) && !usedInFile) unused.push(`${file}:${line}  ${name}`);
    }
  }
  return unused;
}

const graph = new Map(sourceFiles().map((file) => [file, readModule(file)] as const));
const foundCircles = circles(graph);
const foundUnused = deadExports(graph);
for (const group of foundCircles) {
  console.error(`Import circle: ${group.join(' ↔ ')}`);
  for (const file of group) {
    const inCircle = graph.get(file)!.edges.filter(({ to }) => group.includes(to));
    const described = inCircle.map(({ to, kind }) => (kind === 'value' ? to : `${to} (${kind === 'type' ? 'import type' : 'import()'})`));
    console.error(`  ${file} imports ${[...new Set(described)].join(', ')}`);
  }
}
for (const line of foundUnused) console.error(`Dead export (imported nowhere, unused in its file): ${line}`);
if (foundCircles.length > 0 || foundUnused.length > 0) {
  console.error(`\n${foundCircles.length} import circle(s), ${foundUnused.length} dead export(s) in ${graph.size} files.`);
  process.exitCode = 1;
}
