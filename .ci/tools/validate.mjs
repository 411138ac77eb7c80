// Validates OpenAPI files with @apidevtools/swagger-parser and
// @readme/openapi-parser (the parsers behind swagger-cli and ReadMe's
// importer). Prints one line per tool and file with the numbers of errors
// and warnings, then every message; exits 1 if any file has one.
//   node .ci/tools/validate.mjs FILE...
import { createRequire } from 'node:module';
import { validate as readmeValidate } from '@readme/openapi-parser';
import SwaggerParser from '@apidevtools/swagger-parser';

const require = createRequire(import.meta.url);
const version = (name) => require(`${name}/package.json`).version;
const files = process.argv.slice(2);
let failed = 0;

// Node's own warnings (deprecations) count too.
const nodeWarnings = [];
process.on('warning', (w) => nodeWarnings.push(`${w.name}: ${w.message}`));

for (const file of files) {
    let errors = [];
    try {
        await SwaggerParser.validate(file);
    } catch (e) {
        errors = [e.message];
    }
    report(`@apidevtools/swagger-parser ${version('@apidevtools/swagger-parser')}`, file, errors, []);

    const result = await readmeValidate(file, { validate: { errors: { colorize: false } } });
    report(
        `@readme/openapi-parser ${version('@readme/openapi-parser')}`,
        file,
        result.valid ? [] : result.errors.map((e) => e.message),
        result.warnings.map((w) => w.message),
    );
}

function report(tool, file, errors, warnings) {
    console.log(`${tool}: ${file}: ${errors.length} errors, ${warnings.length} warnings`);
    for (const e of errors) console.log(`  error: ${e}`);
    for (const w of warnings) console.log(`  warning: ${w}`);
    if (errors.length || warnings.length) failed++;
}

if (nodeWarnings.length) {
    for (const w of nodeWarnings) console.log(`  node warning: ${w}`);
    failed++;
}
process.exit(failed ? 1 : 0);
