// Validates an AsyncAPI document whose payloads are OpenAPI 3.0 schemas
// (schemaFormat application/vnd.oai.openapi;version=3.0.0) with
// @asyncapi/parser and @asyncapi/openapi-schema-parser, used the way their
// documentation shows (no workaround), next to the stock CLI
// (`asyncapi validate`, which `make asyncapi` runs first).
//
// Both used to fail on asyncapi.yaml (the CLI about half the time, the
// parser every time) with "Type [\"integer\",\"null\"] is not a valid
// type": the OpenAPI-to-JSON-Schema converter rewrites the branches of a
// shared oneOf in place, and a nullable branch reached from two payloads
// (Message's deleted_at, from line.create and favorite) was converted
// twice. openapi.yaml now keeps nullable out of oneOf branches that the
// push payloads reach; this script and the CLI check that it stays so.
//
// Usage: node validate.mjs FILE. Exit 0 when valid (no error diagnostics),
// 1 otherwise. It reads only local files: no network.
import { Parser, fromFile, DiagnosticSeverity } from '@asyncapi/parser';
import { OpenAPISchemaParser } from '@asyncapi/openapi-schema-parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs ASYNCAPI_FILE');
  process.exit(2);
}
const parser = new Parser();
parser.registerSchemaParser(OpenAPISchemaParser());
const { document, diagnostics } = await fromFile(parser, file).parse();
const names = ['error', 'warning', 'information', 'hint'];
let errors = 0;
for (const d of diagnostics) {
  if (d.severity === DiagnosticSeverity.Error) errors++;
  const line = d.range ? d.range.start.line + 1 : 0;
  console.log(`${file}:${line}: ${names[d.severity] ?? d.severity}: ${d.message} (${d.code}) at ${d.path.join('.')}`);
}
if (!document || errors > 0) {
  console.error(`${file}: ${errors} error(s)`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()} (${document.channels().length} channels, ${document.messages().length} messages)`);
