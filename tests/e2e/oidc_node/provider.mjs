// An OpenID Connect provider for the sign-in browser tests: node provider.mjs, configured by
// the OIDC_CONFIG environment variable (JSON: port, clients, users by login name).
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_CONFIG);
const issuer = `http://localhost:${config.port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  // Streamlit reads who signed in from the ID token only, never from userinfo.
  conformIdTokenClaims: false,
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  cookies: { keys: ['grantmon-test-provider-cookie-key'] },
  // Test-only login and consent pages that accept any login name and password.
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, login) {
    const claims = config.users[login] ?? { email: login, email_verified: false };
    return { accountId: login, async claims() { return { sub: login, ...claims }; } };
  },
});

provider.listen(config.port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
