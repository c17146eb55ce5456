// Validates a FHIR R4 resource read from stdin with FHIR.js (its bundled R4 definitions),
// and lists every resource of a Bundle without a narrative. Prints one JSON object:
// {"valid": bool, "errors": [...], "warnings": [...], "missing_narrative": [...]}.
"use strict";
const { Fhir } = require("fhir");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const resource = JSON.parse(input);
  const result = new Fhir().validate(resource, { errorOnUnexpected: true });
  const messages = result.messages || [];
  const entries = resource.resourceType === "Bundle" ? resource.entry || [] : [{ resource }];
  const missing = entries
    .map((entry) => entry.resource)
    .filter((r) => !(r.text && r.text.status && r.text.div))
    .map((r) => `${r.resourceType}/${r.id}`);
  process.stdout.write(
    JSON.stringify({
      valid: result.valid,
      errors: messages.filter((m) => m.severity === "error"),
      warnings: messages.filter((m) => m.severity === "warning"),
      missing_narrative: missing,
    })
  );
});
