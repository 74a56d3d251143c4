// End-to-end tests of the management portal in headless chromium against a real `jitgate serve`
// (fresh SQLite store, loopback, free port). Run: cd web && npm run e2e. Saves docs/screenshots/*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, newPage, screenshot, signIn, sleep, startServer } from './harness.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let server;
let browser;
let admin; // { context, page, consoleErrors, expectErrors } signed in as the bootstrap role manager
const pools = []; // e2e-pool-01 .. e2e-pool-21
const users = {};

/** The active-list row of the grant called `name`. */
const rowOf = (page, name) => page.locator('tr', { has: page.getByRole('link', { name, exact: true }) });

async function activeGrant(name) {
  const list = await server.api.get('/jit-access?status=active&limit=1000');
  return list.items.find((g) => g.name === name);
}

/** Fills the Create temp access form (already open) except Expiration. */
async function fillGrant(page, { name, role = 'Standard', poolNames = ['e2e-pool-01'], userQuery = 'alice', reason = 'e2e' }) {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('radio', { name: role, exact: true }).check();
  const poolSearch = page.getByLabel('Agent pools', { exact: true });
  for (const p of poolNames) {
    await poolSearch.fill(p);
    await page.getByRole('checkbox', { name: p, exact: true }).check();
  }
  await page.getByLabel('Add users', { exact: true }).fill(userQuery);
  await page.getByRole('checkbox', { name: new RegExp(`${userQuery}@e2e\\.test`) }).check();
  await page.getByLabel('Reason', { exact: true }).fill(reason);
}

async function openCreateForm(page) {
  await page.goto('/settings/iam/temp-access');
  await page.getByRole('link', { name: '+ Grant new temp access' }).click();
  await page.getByRole('heading', { name: 'Create temp access' }).waitFor();
}

/** Clicks Save and returns the grant as the server stored it, plus when Save was pressed. */
async function saveAndFind(page, name) {
  const savedAt = Date.now();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await rowOf(page, name).waitFor();
  const g = await activeGrant(name);
  assert.ok(g, `grant ${name} exists on the server`);
  return { g, savedAt };
}

async function shownExpiry(page, name) {
  return rowOf(page, name).locator('time').first().getAttribute('datetime');
}

describe('management portal', { concurrency: false }, () => {
  before(async () => {
    server = await startServer();
    for (let i = 1; i <= 21; i++) {
      const n = String(i).padStart(2, '0');
      pools.push(await server.api.post('/agent-pool', { name: `e2e-pool-${n}`, description: `Pool ${n} for the e2e run` }));
    }
    for (const [key, name] of [['alice', 'Alice Example'], ['bob', 'Bob Builder'], ['nora', 'Nora Normal']]) {
      users[key] = await server.api.post('/users', { email: `${key}@e2e.test`, name, password: `${key}-password-123` });
    }
    browser = await launchBrowser();
    admin = await newPage(browser, server.base);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is served by jitgate: SPA fallback, cache headers, content types, CSP', async () => {
    const index = await fetch(`${server.base}/settings/iam/temp-access/new`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.match(index.headers.get('cache-control') ?? '', /no-cache|no-store|max-age=0/);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await index.text();
    assert.doesNotMatch(html, /<script>|<style|style="/, 'no inline scripts or styles');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)[1];
    const js = await fetch(`${server.base}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type'), /javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /max-age=\d{6,}/);
  });

  it('signs in (wrong password is refused with a clear message)', async () => {
    const { page } = admin;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to jitgate' }).waitFor();
    await screenshot(page, 'sign-in');
    admin.expectErrors(1);
    await page.getByLabel('Email').fill(server.admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'Temp Access' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Temp Access' }).getAttribute('aria-selected'), 'true');
    assert.match(page.url(), /\/settings\/iam\/temp-access$/);
  });

  it('creates a grant with Hours; it shows in the list with the right expiry', async () => {
    const { page } = admin;
    await openCreateForm(page);
    await fillGrant(page, { name: 'e2e-hours', poolNames: ['e2e-pool-01', 'e2e-pool-02'] });
    await page.getByRole('radio', { name: 'Hours', exact: true }).check();
    await page.getByLabel('Number of hours').fill('5');
    const preview = Date.parse(await page.locator('.expiry-preview time').getAttribute('datetime'));
    assert.ok(Math.abs(preview - (Date.now() + 5 * HOUR)) < 10_000, 'preview shows now + 5 h');
    await screenshot(page, 'create-temp-access');
    const { g, savedAt } = await saveAndFind(page, 'e2e-hours');
    assert.deepEqual(g.agentPoolIds.sort(), [pools[0].id, pools[1].id].sort());
    assert.deepEqual(g.userIds, [users.alice.id]);
    assert.equal(g.role, 'STANDARD');
    assert.ok(Math.abs(Date.parse(g.expiresAt) - (savedAt + 5 * HOUR)) < 15_000, 'server expiry is about now + 5 h');
    assert.equal(await shownExpiry(page, 'e2e-hours'), g.expiresAt);
    await rowOf(page, 'e2e-hours').getByText(/in 4 h 5\d min|in 5 h 0 min/).waitFor();
    // The users count expands to their names.
    await rowOf(page, 'e2e-hours').getByRole('button', { name: /1 user in e2e-hours/ }).click();
    await rowOf(page, 'e2e-hours').getByText('Alice Example (alice@e2e.test)').waitFor();
  });

  it('creates a grant with Days', async () => {
    const { page } = admin;
    await openCreateForm(page);
    await fillGrant(page, { name: 'e2e-days', role: 'Privileged', userQuery: 'bob' });
    await page.getByRole('radio', { name: 'Days', exact: true }).check();
    await page.getByLabel('Number of days').fill('3');
    const { g, savedAt } = await saveAndFind(page, 'e2e-days');
    assert.equal(g.role, 'PRIVILEGED');
    assert.ok(Math.abs(Date.parse(g.expiresAt) - (savedAt + 3 * DAY)) < 15_000, 'server expiry is about now + 3 days');
    assert.equal(await shownExpiry(page, 'e2e-days'), g.expiresAt);
  });

  it('creates a grant with a Custom date and time (local time zone)', async () => {
    const { page } = admin;
    await openCreateForm(page);
    await fillGrant(page, { name: 'e2e-custom' });
    await page.getByRole('radio', { name: 'Custom', exact: true }).check();
    // Two days ahead, on a whole minute, written as the browser's local (Europe/Berlin) wall-clock time.
    const target = Math.floor((Date.now() + 2 * DAY) / 60_000) * 60_000;
    const local = await page.evaluate((ms) => {
      const d = new Date(ms);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    }, target);
    await page.getByLabel('Custom date and time').fill(local);
    assert.equal(await page.locator('.expiry-preview time').getAttribute('datetime'), new Date(target).toISOString());
    const { g } = await saveAndFind(page, 'e2e-custom');
    assert.equal(Date.parse(g.expiresAt), target);
    assert.equal(Date.parse(await shownExpiry(page, 'e2e-custom')), target);
  });

  it('refuses more than 31 days before submitting', async () => {
    const { page } = admin;
    await openCreateForm(page);
    await fillGrant(page, { name: 'e2e-too-long' });
    await page.getByRole('radio', { name: 'Days', exact: true }).check();
    await page.getByLabel('Number of days').fill('32');
    let posted = 0;
    const count = (r) => r.method() === 'POST' && r.url().endsWith('/api/v1/jit-access') && posted++;
    page.on('request', count);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-field="expiration"] .field-error').getByText('At most 31 days from now.').waitFor();
    await sleep(300);
    page.off('request', count);
    assert.equal(posted, 0, 'nothing was sent');
    assert.equal(await activeGrant('e2e-too-long'), undefined);
  });

  it('shows server validation errors at their fields (21 pools; an expired Custom time)', async () => {
    const { page } = admin;
    await openCreateForm(page);
    await fillGrant(page, { name: 'e2e-bypass' });
    await page.getByRole('radio', { name: 'Hours', exact: true }).check();
    await page.getByLabel('Number of hours').fill('1');
    // Bypass the UI limit: the request leaves the browser with all 21 pools.
    await page.route('**/api/v1/jit-access', (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = JSON.parse(route.request().postData());
      body.agentPoolIds = pools.map((p) => p.id);
      return route.continue({ postData: JSON.stringify(body) });
    });
    admin.expectErrors(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-field="agentPoolIds"] .field-error').waitFor();
    assert.equal(await page.locator('[data-field="agentPoolIds"] input[type="search"]').getAttribute('aria-invalid'), 'true');
    await page.unroute('**/api/v1/jit-access');
    // An expiry that has passed by the time the server sees it.
    await page.route('**/api/v1/jit-access', (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = JSON.parse(route.request().postData());
      body.expiration = { at: new Date(Date.now() - 60_000).toISOString() };
      return route.continue({ postData: JSON.stringify(body) });
    });
    admin.expectErrors(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-field="expiration"] .field-error').waitFor();
    assert.equal(await page.locator('[data-field="agentPoolIds"] .field-error').count(), 0, 'the pool error is gone');
    await page.unroute('**/api/v1/jit-access');
    await screenshot(page, 'create-temp-access-server-error');
    assert.equal(await activeGrant('e2e-bypass'), undefined);
  });

  it('deletes a grant after confirmation and offers Recreate prefilled', async () => {
    const { page } = admin;
    await page.goto('/settings/iam/temp-access');
    await page.getByRole('link', { name: 'e2e-hours', exact: true }).click();
    await page.getByRole('heading', { name: 'e2e-hours' }).waitFor();
    await page.getByText('Temp access cannot be edited').waitFor();
    await screenshot(page, 'temp-access-detail');
    await page.getByRole('button', { name: 'Delete temporary access' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete temporary access?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.ok(await activeGrant('e2e-hours'), 'cancel keeps it');
    await page.getByRole('button', { name: 'Delete temporary access' }).click();
    await dialog.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('Temporary access deleted.').waitFor();
    assert.equal(await activeGrant('e2e-hours'), undefined);
    const revoked = (await server.api.get('/jit-access?status=revoked')).items.find((g) => g.name === 'e2e-hours');
    assert.equal(revoked?.revokedBy, server.admin.id);
    await page.getByRole('link', { name: 'Recreate' }).click();
    await page.getByRole('heading', { name: 'Create temp access' }).waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'e2e-hours');
    await page.getByRole('button', { name: 'Remove e2e-pool-02' }).waitFor();
    await page.getByRole('button', { name: /Remove Alice Example/ }).waitFor();
    assert.equal(await page.getByLabel('Number of hours').inputValue(), '5');
    // It leaves the active list and shows in the history, deleted by the admin.
    await page.goto('/settings/iam/temp-access');
    await page.getByRole('link', { name: 'e2e-days', exact: true }).waitFor();
    assert.equal(await rowOf(page, 'e2e-hours').count(), 0);
    await page.getByLabel('Show history (expired and revoked)').check();
    const hist = page.getByRole('table', { name: 'Temp access history' });
    await hist.locator('tr', { hasText: 'e2e-hours' }).getByText(/Deleted by/).waitFor();
  });

  it('shows a grant created through the REST API', async () => {
    const { page } = admin;
    await page.goto('/settings/iam/temp-access');
    await page.getByRole('link', { name: 'e2e-days', exact: true }).waitFor();
    await server.api.post('/jit-access', {
      name: 'e2e-from-api', role: 'STANDARD', agentPoolIds: [pools[2].id], userIds: [users.nora.id],
      expiration: { hours: 2 }, reason: 'created with curl',
    });
    // No reload: the open list picks it up by itself (it re-reads every 10 s).
    await rowOf(page, 'e2e-from-api').getByText('e2e-pool-03').waitFor({ timeout: 15_000 });
    await rowOf(page, 'e2e-from-api').getByText(/in 1 h 5\d min|in 2 h 0 min/).waitFor();
    await screenshot(page, 'temp-access');
  });

  it('a grant expiring in a few seconds leaves the active list by itself', async () => {
    const { page } = admin;
    await server.api.post('/jit-access', {
      name: 'e2e-short', role: 'STANDARD', agentPoolIds: [pools[3].id], userIds: [users.bob.id],
      expiration: { at: new Date(Date.now() + 8_000).toISOString() },
    });
    await page.goto('/settings/iam/temp-access');
    await rowOf(page, 'e2e-short').getByText(/in \d+ s/).waitFor();
    await page.evaluate(() => { window.__noReload = true; });
    await rowOf(page, 'e2e-short').waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was not reloaded');
  });

  it('explains why a pool in an active grant cannot be deleted', async () => {
    const { page } = admin;
    await page.getByRole('tab', { name: 'Agent Pools' }).click();
    await page.getByLabel('Search agent pools').fill('e2e-pool-03');
    await page.getByRole('button', { name: 'Delete e2e-pool-03' }).click();
    admin.expectErrors(1);
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('dialog').getByText(/named in an active temp access instance/).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('Search agent pools').fill('');
    await page.getByRole('button', { name: 'Delete e2e-pool-20' }).waitFor();
    await screenshot(page, 'agent-pools');
  });

  it('the last role manager cannot demote themselves, and the page says why', async () => {
    const { page } = admin;
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByLabel('Search users').fill('admin@');
    const toggle = page.getByRole('checkbox', { name: `Role manager: ${server.admin.email}` });
    await toggle.waitFor();
    admin.expectErrors(1);
    await toggle.click(); // the box snaps back when the server refuses
    await page.getByRole('alert').getByText(/last enabled role manager/).waitFor();
    assert.equal(await toggle.isChecked(), true);
    assert.equal((await server.api.get(`/users/${server.admin.id}`)).roleManager, true);
    await page.getByLabel('Search users').fill('');
    await page.getByRole('checkbox', { name: 'Role manager: nora@e2e.test' }).waitFor();
    await screenshot(page, 'users');
  });

  it('groups, audit log (Verify chain) and API keys pages work', async () => {
    const { page } = admin;
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByLabel('Group name').fill('e2e-oncall');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Group “e2e-oncall”' }).waitFor();
    await page.getByLabel('Members', { exact: true }).fill('bob');
    await page.getByRole('checkbox', { name: /bob@e2e\.test/ }).check();
    await page.getByLabel('Agent pools of this group', { exact: true }).fill('e2e-pool-05');
    await page.getByRole('checkbox', { name: 'e2e-pool-05', exact: true }).check();
    await page.getByLabel('Role on e2e-pool-05').selectOption('PRIVILEGED');
    await page.getByRole('button', { name: 'Save group' }).click();
    await page.getByText('Group “e2e-oncall” saved.').waitFor();
    const grp = (await server.api.get('/groups')).items.find((x) => x.name === 'e2e-oncall');
    assert.deepEqual(grp.memberIds, [users.bob.id]);
    assert.deepEqual(grp.poolAccess, [{ agentPoolId: pools[4].id, role: 'PRIVILEGED' }]);
    await screenshot(page, 'groups');

    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('table', { name: 'Audit events' }).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/Chain valid: \d+ events checked/).waitFor();
    const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/audit-events?type=jit.revoked'));
    await page.getByLabel('Event type').selectOption('jit.revoked');
    await filtered;
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.and(page.locator('[aria-busy="false"]')).waitFor();
    await table.getByText('jit.revoked').first().waitFor();
    assert.equal(await table.getByText('jit.granted').count(), 0);
    await screenshot(page, 'audit-log');
  });

  it('a non-manager sees only My access and their own API keys', async () => {
    const nora = await newPage(browser, server.base);
    const { page } = nora;
    await signIn(page, 'nora@e2e.test', 'nora-password-123');
    assert.match(page.url(), /\/my-access$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['My access', 'API keys']);
    const accessRow = page.getByRole('table', { name: 'My access' }).locator('tr', { hasText: 'e2e-pool-03' });
    await accessRow.getByText('Standard').waitFor();
    await accessRow.getByText(/Temp access until/).waitFor();
    await screenshot(page, 'my-access');
    for (const p of ['/settings/iam/temp-access', '/settings/iam/users', '/settings/iam/temp-access/new']) {
      await page.goto(p);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      assert.equal(await page.getByRole('link', { name: '+ Grant new temp access' }).count(), 0);
      assert.equal(await page.getByRole('tab').count(), 0);
      assert.equal(await page.getByRole('button', { name: /Delete/ }).count(), 0);
    }
    await nav.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Label').fill('nora laptop');
    await page.getByRole('checkbox', { name: 'jit:read' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    assert.match(key, /^jg_/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByRole('table', { name: 'API keys' }).getByText('nora laptop').waitFor();
    await screenshot(page, 'api-keys');
    const me = await fetch(`${server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(me.status, 200);
    await page.getByRole('button', { name: 'Revoke nora laptop' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByRole('table', { name: 'API keys' }).getByText('nora laptop').waitFor({ state: 'detached' });
    const after = await fetch(`${server.base}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(after.status, 401, 'a revoked key stops working at once');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to jitgate' }).waitFor();
    assert.deepEqual(nora.consoleErrors, []);
    await nora.context.close();
  });

  it('works with the keyboard alone and at 375 px', async () => {
    const narrow = await newPage(browser, server.base, { viewport: { width: 375, height: 812 } });
    const { page } = narrow;
    await page.goto('/');
    await page.getByLabel('Email').waitFor();
    await page.keyboard.type(server.admin.email); // the Email field has focus on load
    await page.keyboard.press('Tab');
    await page.keyboard.type(server.admin.password);
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: 'Temp Access' }).waitFor();
    await page.getByRole('link', { name: 'e2e-days', exact: true }).waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok((await overflow()) <= 0, 'no horizontal page scroll at 375 px');
    // Rows are stacked as cards at this width but keep their table semantics.
    const days = page.getByRole('table', { name: 'Active temp access' }).getByRole('row', { name: /e2e-days/ });
    await days.getByRole('cell', { name: /Privileged/ }).waitFor();
    await screenshot(page, 'temp-access-375');
    await page.getByRole('link', { name: '+ Grant new temp access' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Create temp access' }).waitFor();
    assert.ok((await overflow()) <= 0, 'no horizontal page scroll at 375 px (form)');
    await screenshot(page, 'create-temp-access-375');
    assert.deepEqual(narrow.consoleErrors, []);
    await narrow.context.close();
  });

  it('the limit of 100 active grants is shown as a clear message', async () => {
    const { page } = admin;
    const active = (await server.api.get('/jit-access?status=active&limit=1000')).total;
    for (let i = active; i < 100; i++) {
      await server.api.post('/jit-access', {
        name: `e2e-fill-${i}`, role: 'STANDARD', agentPoolIds: [pools[5].id], userIds: [users.bob.id], expiration: { hours: 1 },
      });
    }
    await page.goto('/settings/iam/temp-access');
    await page.getByText(/100 instances are active: that is the limit/).waitFor();
    await openCreateForm(page);
    await fillGrant(page, { name: 'e2e-one-too-many' });
    admin.expectErrors(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').getByText(/limit of active temp access instances has been reached/).waitFor();
    assert.equal(await activeGrant('e2e-one-too-many'), undefined);
  });

  it('repeated failed sign-ins show how long to wait (429)', async () => {
    const guest = await newPage(browser, server.base);
    const { page } = guest;
    await page.goto('/');
    await page.getByLabel('Email').fill('nobody@e2e.test');
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      guest.expectErrors(1);
      await page.getByLabel('Password').fill(`wrong-password-${i}`);
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      status = (await answer).status();
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
    }
    assert.equal(status, 429);
    await page.getByRole('alert').getByText(/^Too many attempts, try again in \d+ s\.$/).waitFor();
    assert.deepEqual(guest.consoleErrors, []);
    await guest.context.close();
  });

  it('no unexpected console errors in the role manager session', () => {
    assert.deepEqual(admin.consoleErrors, []);
  });
});
