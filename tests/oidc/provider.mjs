// A real OpenID provider for the single sign-on tests: node-oidc-provider (OpenID certified),
// listening on 127.0.0.1 only. Started by tests/sso/oidc_provider.py, which passes:
//   OIDC_PORT           the port to listen on
//   OIDC_REDIRECT_URIS  space-separated redirect URIs of the relying party (the app under test)
//   OIDC_POST_LOGOUT_REDIRECT_URIS  space-separated addresses the app may ask to be sent back
//                       to after logging out at the provider (RP-initiated logout)
//   OIDC_END_SESSION    "0": no RP-initiated logout (no end_session_endpoint in discovery)
// and reads the line "listening <issuer>" from stdout.
//
// Its sign-in form takes any user name (the subject); the password is ignored. The subject's
// e-mail is <name>@example.test, verified unless the name starts with "unverified".
// "Cancel" ends the sign-in with the error access_denied. The acr of the sign-in is the first
// acr_values the app asked for, so a test sees in the ID token what the provider received.
// PKCE is required of every client. Its end_session_endpoint asks "Do you want to sign-out?"
// (a form with an xsrf field, posted to /session/end/confirm with logout=yes), then sends the
// person to the post_logout_redirect_uri with the state.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const redirectUris = (process.env.OIDC_REDIRECT_URIS || '').split(' ').filter(Boolean);
const postLogoutRedirectUris = (process.env.OIDC_POST_LOGOUT_REDIRECT_URIS || '')
  .split(' ').filter(Boolean);
const issuer = `http://127.0.0.1:${port}`;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const configuration = {
  clients: [
    {
      client_id: 'kommunekompass',
      client_secret: 'kommunekompass-test-secret',
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'kommunekompass-public',
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      token_endpoint_auth_method: 'none',
    },
  ],
  acrValues: ['idporten-loa-substantial', 'idporten-loa-high'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // The claims go into the ID token itself, as Entra ID and Feide put them there.
  conformIdTokenClaims: false,
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: process.env.OIDC_END_SESSION !== '0' },
  },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: `${sub}@example.test`,
          email_verified: !sub.startsWith('unverified'),
          name: `Test ${sub}`,
          given_name: 'Test',
          family_name: sub,
        };
      },
    };
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;

function loginForm(uid, details) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head>
<body><h1>Test provider: sign in</h1>
<p>Client: ${escape(details.params.client_id)}</p>
<form method="post" action="/interaction/${uid}/login">
<label for="login">User name</label> <input id="login" name="login" autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/cancel"><button type="submit">Cancel</button></form>
</body></html>`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const uid = details.uid;
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginForm(uid, details));
    return;
  }
  if (req.url.endsWith('/cancel')) {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'The person cancelled the sign-in at the provider.',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const form = await readBody(req);
  const accountId = (form.get('login') || '').trim();
  if (!accountId) {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginForm(uid, details));
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const requestedAcr = (details.params.acr_values || '').split(' ').filter(Boolean);
  const login = { accountId };
  if (requestedAcr.length) login.acr = requestedAcr[0];
  await provider.interactionFinished(req, res, { login, consent: { grantId } }, {
    mergeWithLastSubmission: false,
  });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
