/**
 * Functions longer than a limit, found with the TypeScript compiler's parser: declarations,
 * methods, constructors, accessors, function expressions and arrow functions, nested ones
 * included. A function's length is the lines from its first token to its closing brace.
 */
import ts from 'typescript';

export interface LongFunction {
  /** The file as given. */
  file: string;
  /** `name`, `Class.method`, or `<callback in name>` for an anonymous function. */
  name: string;
  /** 1-based line of its first token. */
  line: number;
  lines: number;
}

type FunctionNode =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction;

function isFunctionNode(n: ts.Node): n is FunctionNode {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n)
  );
}

/** The name a reader would search for: its own, or the binding or property it is assigned to. */
function ownName(n: FunctionNode, src: ts.SourceFile): string | undefined {
  if (ts.isConstructorDeclaration(n)) return 'constructor';
  if (n.name) return n.name.getText(src);
  const p = n.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) {
    return p.name.getText(src);
  }
  return undefined;
}

function qualified(n: FunctionNode, own: string, src: ts.SourceFile): string {
  const owner = n.parent;
  if ((ts.isClassDeclaration(owner) || ts.isClassExpression(owner)) && owner.name) {
    return `${owner.name.getText(src)}.${own}`;
  }
  return own;
}

/** Every function in `text` longer than `limit` lines, in source order. */
export function longFunctions(file: string, text: string, limit: number): LongFunction[] {
  const kind = file.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : file.endsWith('.ts')
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS;
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: LongFunction[] = [];
  const visit = (node: ts.Node, enclosing: string) => {
    let inside = enclosing;
    if (isFunctionNode(node) && node.body) {
      const own = ownName(node, src);
      const name = own ? qualified(node, own, src) : `<callback in ${enclosing || 'module'}>`;
      const first = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
      const last = src.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      if (lines > limit) out.push({ file, name, line: first + 1, lines });
      inside = own ? name : enclosing;
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(src, '');
  return out;
}
