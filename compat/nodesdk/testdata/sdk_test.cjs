// Drives every Pipes call of the official WorkOS Node SDK against pipes-emulator and checks what
// the SDK returns, field by field. Run by compat/nodesdk's Go test, once per pinned SDK version:
//
//   SDK_DIR=<folder with node_modules> EMULATOR_URL=http://127.0.0.1:port API_KEY=sk_… \
//   node sdk_test.cjs main|retry
//
// It prints one line per check and exits 1 if any failed.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const { createRequire } = require('node:module');

const sdkRequire = createRequire(path.join(process.env.SDK_DIR, 'package.json'));
const sdk = sdkRequire('@workos-inc/node');
const sdkVersion = sdkRequire('@workos-inc/node/package.json').version;
const major = Number(sdkVersion.split('.')[0]);

const url = new URL(process.env.EMULATOR_URL);
const apiKey = process.env.API_KEY;
delete process.env.WORKOS_API_KEY;

function client(key, options = {}) {
  return new sdk.WorkOS(key, {
    apiHostname: url.hostname,
    port: Number(url.port),
    https: false,
    ...options,
  });
}

// No retries in the main scenario: an error must surface at once.
const workos = client(apiKey, { maxRetries: 0 });
const pipes = workos.pipes;

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

async function rejects(promise, klass, inspect) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof klass, `expected ${klass.name}, got ${err && err.constructor && err.constructor.name}: ${err && err.message}`);
    if (inspect) inspect(err);
    return;
  }
  assert.fail(`expected ${klass.name}, nothing was thrown`);
}

function isDate(v) {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

const seededUser = 'user_01KF0RRQ200C51260Z4RPK8ET2'; // has a github account in the default fixtures
const customProvider = {
  name: 'SDK Provider',
  authorizationUrl: 'https://sdk.example/oauth/authorize',
  tokenUrl: 'https://sdk.example/oauth/token',
};

// ---- main: every call ----

check('list: the seeded integrations, mapped to camelCase', async () => {
  const page = await pipes.listDataIntegrations();
  const slugs = page.data.map((d) => d.slug);
  assert.deepEqual(slugs, ['acme-crm', 'salesforce', 'notion', 'slack', 'github']);
  const github = page.data.find((d) => d.slug === 'github');
  assert.equal(github.object, 'data_integration');
  assert.match(github.id, /^data_integration_[0-9A-Z]{26}$/);
  assert.equal(github.integrationType, 'github');
  assert.equal(github.state, 'valid');
  assert.equal(github.enabled, true);
  assert.equal(github.scopes, null);
  assert.match(github.redirectUri, new RegExp(`^${url.origin}/data-integrations/github/dik_[0-9A-Z]{26}/callback$`));
  assert.deepEqual(github.credentials, { type: 'custom', clientId: 'Iv1.emulator0github', redactedClientSecret: '4f2a' });
  assert.equal(github.customProvider, null);
  assert.ok(isDate(github.createdAt) && isDate(github.updatedAt), 'dates parse');
  assert.equal(github.createdAt.toISOString(), '2026-01-15T12:00:00.000Z');
  const acme = page.data.find((d) => d.slug === 'acme-crm');
  assert.equal(acme.customProvider.name, 'Acme CRM');
  assert.equal(acme.customProvider.authorizationUrl, 'https://auth.acme.example/oauth/authorize');
  assert.deepEqual(acme.customProvider.additionalAuthorizationParameters, { prompt: 'consent' });
  const notion = page.data.find((d) => d.slug === 'notion');
  assert.deepEqual(notion.credentials, { type: 'custom', clientId: null, redactedClientSecret: null });
});

check('create: built-in provider with custom credentials', async () => {
  const d = await pipes.createDataIntegration({
    provider: 'asana',
    description: 'From the SDK',
    enabled: true,
    credentials: { type: 'custom', clientId: 'asana-client', clientSecret: 'asana-secret-WXYZ' },
  });
  assert.equal(d.slug, 'asana');
  assert.equal(d.state, 'valid');
  assert.equal(d.description, 'From the SDK');
  assert.deepEqual(d.credentials, { type: 'custom', clientId: 'asana-client', redactedClientSecret: 'WXYZ' });
  assert.ok(isDate(d.createdAt));
});

check('create: custom provider, defaults filled in', async () => {
  const d = await pipes.createDataIntegration({ provider: 'sdk-crm', customProvider, credentials: { type: 'organization' } });
  assert.equal(d.integrationType, 'custom');
  assert.equal(d.customProvider.name, 'SDK Provider');
  assert.equal(d.customProvider.pkceEnabled, true);
  assert.equal(d.customProvider.requestScopeSeparator, ' ');
  assert.equal(d.customProvider.clientSecretRequired, true);
  assert.equal(d.customProvider.authenticateVia, 'request_body');
  assert.equal(d.customProvider.refreshTokenUrl, null);
});

check('create: organization credentials', async () => {
  const d = await pipes.createDataIntegration({ provider: 'zoom', credentials: { type: 'organization' } });
  assert.deepEqual(d.credentials, { type: 'organization', clientId: null, redactedClientSecret: null });
  assert.equal(d.state, 'valid');
  assert.equal(d.enabled, false);
});

check('list: auto-pagination walks more than 100 integrations, each once', async () => {
  for (let i = 0; i < 120; i++) {
    await pipes.createDataIntegration({ provider: `bulk-${String(i).padStart(3, '0')}`, customProvider });
  }
  const first = await pipes.listDataIntegrations();
  assert.equal(first.data.length, 10, 'the first page has the default limit');
  const all = await first.autoPagination();
  const ids = all.map((d) => d.id);
  assert.equal(ids.length, 5 + 3 + 120);
  assert.equal(new Set(ids).size, ids.length, 'no repeats');
  const sorted = [...ids].sort().reverse();
  assert.deepEqual(ids, sorted, 'newest first');
  assert.equal(all[0].slug, 'bulk-119');
});

check('get', async () => {
  const d = await pipes.getDataIntegration({ slug: 'asana' });
  assert.equal(d.slug, 'asana');
  assert.equal(d.credentials.redactedClientSecret, 'WXYZ');
});

check('update: merge, scopes: null', async () => {
  await pipes.updateDataIntegration({ slug: 'slack', description: 'Updated' });
  const d = await pipes.updateDataIntegration({ slug: 'slack', enabled: false, scopes: null });
  assert.equal(d.enabled, false);
  assert.equal(d.scopes, null);
  assert.equal(d.description, 'Updated', 'absent fields are unchanged');
  assert.ok(d.updatedAt.getTime() >= d.createdAt.getTime());
});

check('update: new credentials rotate the secret', async () => {
  const d = await pipes.updateDataIntegration({
    slug: 'notion',
    credentials: { type: 'custom', clientId: 'notion-client', clientSecret: 'notion-secret-QRST' },
  });
  assert.equal(d.state, 'valid');
  assert.equal(d.credentials.redactedClientSecret, 'QRST');
});

check('delete, twice', async () => {
  assert.equal(await pipes.deleteDataIntegration({ slug: 'zoom' }), undefined);
  assert.equal(await pipes.deleteDataIntegration({ slug: 'zoom' }), undefined);
  await rejects(pipes.getDataIntegration({ slug: 'zoom' }), sdk.NotFoundException);
});

check('connected account: create, get, update, delete', async () => {
  const expiresAt = new Date(Date.now() + 3600 * 1000);
  const created = await pipes.createUserConnectedAccount({
    userId: 'user_sdk', slug: 'asana', accessToken: 'asana-access', refreshToken: 'asana-refresh', expiresAt, scopes: ['default'],
  });
  assert.equal(created.object, 'connected_account');
  assert.match(created.id, /^data_installation_[0-9A-Z]{26}$/);
  assert.equal(created.userId, 'user_sdk');
  assert.equal(created.organizationId, null);
  assert.deepEqual(created.scopes, ['default']);
  assert.equal(created.authMethod, 'oauth');
  assert.equal(created.apiKeyLast4, null);
  assert.equal(created.state, 'connected');
  if (major >= 12) {
    assert.ok(isDate(created.createdAt), '12.x parses connected-account dates');
  } else {
    assert.equal(typeof created.createdAt, 'string', '10.x leaves them as strings');
    assert.ok(!Number.isNaN(Date.parse(created.createdAt)));
  }
  const got = await pipes.getUserConnectedAccount({ userId: 'user_sdk', slug: 'asana' });
  assert.equal(got.id, created.id);
  const updated = await pipes.updateUserConnectedAccount({ userId: 'user_sdk', slug: 'asana', scopes: ['default', 'extra'] });
  assert.deepEqual(updated.scopes, ['default', 'extra']);
  const org = await pipes.createUserConnectedAccount({ userId: 'user_sdk', slug: 'asana', organizationId: 'org_sdk', accessToken: 'org-access' });
  assert.equal(org.organizationId, 'org_sdk');
  assert.notEqual(org.id, created.id);
  await pipes.deleteUserConnectedAccount({ userId: 'user_sdk', slug: 'asana', organizationId: 'org_sdk' });
  await rejects(pipes.getUserConnectedAccount({ userId: 'user_sdk', slug: 'asana', organizationId: 'org_sdk' }), sdk.NotFoundException);
  assert.equal((await pipes.getUserConnectedAccount({ userId: 'user_sdk', slug: 'asana' })).id, created.id, 'the user-scoped one stays');
});

check('getAccessToken: active', async () => {
  const t = await pipes.getAccessToken({ provider: 'github', userId: seededUser });
  assert.equal(t.active, true);
  assert.equal(t.accessToken.object, 'access_token');
  assert.equal(t.accessToken.accessToken, 'gho_emulator_default_access');
  assert.ok(isDate(t.accessToken.expiresAt));
  assert.equal(t.accessToken.expiresAt.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.deepEqual(t.accessToken.scopes, ['repo', 'user:email']);
  assert.deepEqual(t.accessToken.missingScopes, ['read:org']);
});

check('getAccessToken: not_installed', async () => {
  assert.deepEqual(await pipes.getAccessToken({ provider: 'github', userId: 'user_nobody' }), { active: false, error: 'not_installed' });
});

check('getAccessToken: needs_reauthorization', async () => {
  await pipes.createUserConnectedAccount({ userId: 'user_stale', slug: 'asana', accessToken: 'old', expiresAt: new Date(Date.now() - 60 * 1000) });
  assert.deepEqual(await pipes.getAccessToken({ provider: 'asana', userId: 'user_stale' }), { active: false, error: 'needs_reauthorization' });
});

check('getAccessToken: an expired token with a refresh token is refreshed', async () => {
  await pipes.createUserConnectedAccount({ userId: 'user_refresh', slug: 'asana', accessToken: 'old', refreshToken: 'r', expiresAt: new Date(Date.now() - 60 * 1000) });
  const t = await pipes.getAccessToken({ provider: 'asana', userId: 'user_refresh' });
  assert.equal(t.active, true);
  assert.notEqual(t.accessToken.accessToken, 'old');
  assert.ok(t.accessToken.expiresAt.getTime() > Date.now());
});

check('listUserDataProviders', async () => {
  const list = await pipes.listUserDataProviders({ userId: seededUser });
  assert.equal(list.object, 'list');
  const github = list.data.find((p) => p.slug === 'github');
  assert.equal(github.object, 'data_provider');
  assert.equal(github.name, 'GitHub');
  assert.equal(github.integrationType, 'github');
  assert.equal(github.credentialsType, 'oauth2');
  assert.deepEqual(github.authMethods, ['oauth']);
  assert.equal(github.connectedAccount.userId, seededUser);
  assert.equal(github.connectedAccount.state, 'connected');
  const asana = list.data.find((p) => p.slug === 'asana');
  assert.equal(asana.connectedAccount, null);
  assert.ok(!list.data.some((p) => p.slug === 'slack'), 'slack was disabled above: only enabled, valid integrations');
});

check('401: UnauthorizedException', async () => {
  await rejects(client('sk_', { maxRetries: 0 }).pipes.listDataIntegrations(), sdk.UnauthorizedException, (err) => {
    assert.equal(err.status, 401);
  });
});

check('404: NotFoundException with code and request id', async () => {
  await rejects(pipes.getDataIntegration({ slug: 'no-such-integration' }), sdk.NotFoundException, (err) => {
    assert.equal(err.status, 404);
    assert.equal(err.code, 'entity_not_found');
    assert.equal(err.message, "Data integration not found: 'no-such-integration'.");
    if (major >= 12) assert.match(err.requestID, /^req_[0-9A-Z]{26}$/);
  });
});

check('409: ConflictException', async () => {
  await rejects(pipes.createDataIntegration({ provider: 'github' }), sdk.ConflictException, (err) => {
    assert.equal(err.status, 409);
    assert.equal(err.code, 'entity_already_exists');
  });
});

check('422: UnprocessableEntityException built from the field codes', async () => {
  await rejects(
    pipes.createDataIntegration({ provider: 'box', credentials: { type: 'custom', clientId: 'only-id' } }),
    sdk.UnprocessableEntityException,
    (err) => {
      assert.equal(err.status, 422);
      assert.equal(err.code, 'invalid_credentials_configuration');
      assert.match(err.message, /requirement/);
      assert.match(err.message, /\trequired\n/);
    },
  );
  await rejects(
    pipes.createDataIntegration({ provider: 'hubspot', customProvider }),
    sdk.UnprocessableEntityException,
    (err) => assert.equal(err.code, 'invalid_custom_provider'),
  );
});

// ---- retry: a 429 injected through the control plane, as a CI or browser user would ----

const retryChecks = [];
retryChecks.push({
  name: 'a 429 with Retry-After is retried after that many seconds, then succeeds',
  fn: async () => {
    const injected = await fetch(`${url.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/data-integrations/{slug}', status: 429, retry_after: 1, times: 1 }),
    });
    assert.equal(injected.status, 201);
    const retrying = client(apiKey); // the SDK's default retries
    const begin = Date.now();
    const d = await retrying.pipes.getDataIntegration({ slug: 'github' });
    const elapsed = Date.now() - begin;
    assert.equal(d.slug, 'github');
    assert.ok(elapsed >= 900, `waited ${elapsed} ms for Retry-After: 1`);
    const journal = await (await fetch(`${url.origin}/_emulator/requests?limit=2`, { headers: { Authorization: `Bearer ${apiKey}` } })).json();
    assert.deepEqual(journal.data.map((e) => e.status), [200, 429], 'the journal shows the 429, then the retry');
  },
});

async function main() {
  const scenario = process.argv[2] || 'main';
  const list = scenario === 'retry' ? retryChecks : checks;
  console.log(`@workos-inc/node ${sdkVersion}, scenario ${scenario}`);
  let failed = 0;
  for (const { name, fn } of list) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}\n     ${String(err && err.stack || err).split('\n').join('\n     ')}`);
    }
  }
  console.log(`${list.length - failed}/${list.length} passed`);
  process.exit(failed ? 1 : 0);
}

main();
