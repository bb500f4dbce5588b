// A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 for the sign-in tests.
// Usage: node provider.mjs STATE.json
// STATE.json holds { "clients": [...oidc-provider client metadata], "users": { "<login>": { claims } } } and is read again
// on every lookup, so a test registers its redirect URIs after the instance started and changes a user's role between
// sign-ins. Prints one line {"issuer": "http://127.0.0.1:PORT"} once listening. Any login is accepted with any password
// (oidc-provider's development interactions); an unknown login has no account and the sign-in fails.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import Provider from 'oidc-provider';

const statePath = process.argv[2];
if (!statePath) {
  console.error('usage: node provider.mjs STATE.json');
  process.exit(2);
}
const state = () => JSON.parse(readFileSync(statePath, 'utf8'));

const store = new Map();
class Adapter {
  constructor(name) { this.name = name; }
  key(id) { return `${this.name}:${id}`; }
  async upsert(id, payload) { store.set(this.key(id), payload); }
  async find(id) {
    if (this.name === 'Client') return state().clients.find((c) => c.client_id === id);
    return store.get(this.key(id));
  }
  async findByUid(uid) {
    for (const [key, value] of store) if (key.startsWith(`${this.name}:`) && value.uid === uid) return value;
    return undefined;
  }
  async findByUserCode() { return undefined; }
  async consume(id) { const value = store.get(this.key(id)); if (value) value.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) { for (const [key, value] of store) if (value.grantId === grantId) store.delete(key); }
}

const page = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

// The issuer names the port: take a free one first.
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => { const { port: p } = probe.address(); probe.close(() => resolve(p)); });
});
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  adapter: Adapter,
  clients: [],
  cookies: { keys: ['videoplatform-test-provider'] },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
    email: ['email', 'email_verified'],
    roles: ['roles'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'roles', 'groups'],
  async findAccount(ctx, id) {
    const claims = state().users[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, preferred_username: id, ...claims }; } };
  },
  // The instance is a first-party client: no consent screen.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email roles groups');
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Logout', `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
      async postLogoutSuccessSource(ctx) { ctx.body = page('Signed out', '<p>Signed out</p>'); },
    },
  },
  pkce: { required: () => true },
  renderError(ctx, out) { ctx.type = 'html'; ctx.body = page('Error', `<pre>${JSON.stringify(out)}</pre>`); },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ issuer })));
