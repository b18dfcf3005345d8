/**
 * Node-RED settings for every Flowgate-managed instance (both image variants and
 * local Node-RED processes). Everything instance-specific comes from the
 * environment, so one image serves every instance:
 *
 *   PORT                          editor/admin HTTP port (default 1880)
 *   NODE_RED_CREDENTIAL_SECRET    key that encrypts flows_cred.json; unset = Node-RED's
 *                                 default (a generated key kept in .config.runtime.json)
 *   NODE_RED_ADMIN_USER           with NODE_RED_ADMIN_PASSWORD_HASH (bcrypt): Flowgate's own
 *   NODE_RED_ADMIN_PASSWORD_HASH  user, permissions "*", checked here (never handed out);
 *                                 both unset = no adminAuth
 *   FLOWGATE_EDITOR_URL           with FLOWGATE_FILES_TOKEN: where people's personal editor
 *                                 logins are checked, at login (POST <url>/logins) and on each
 *                                 request (GET <url>/users/<name>, answers kept 2 s). A login
 *                                 named "jane" writes, "jane (read-only)" reads; Flowgate ends
 *                                 a session by answering "no such user" (expired, left the
 *                                 team, instance now protected). No answer = no login (the
 *                                 admin user above still works). Unset: the admin user only.
 *   FLOWGATE_NODE_RED_SETTINGS    JSON of the runtime settings a team may set (validated by
 *                                 Flowgate): timeZone, httpNodeRoot, debugMaxLength,
 *                                 functionTimeout, contextStorage (memory|localfilesystem)
 *
 * Read by flows (no setting here): FLOWGATE_FILES_URL and FLOWGATE_FILES_TOKEN,
 * the Flowgate file store an instance may use via env.get() / $env: GET, PUT or DELETE
 * FLOWGATE_FILES_URL + '<path>' (GET FLOWGATE_FILES_URL lists the files) with the header
 * "Authorization: Bearer " + FLOWGATE_FILES_TOKEN, e.g. from an http request node.
 *
 * userDir is not set here: it is given with --userDir (/data in the image).
 */
const env = process.env;

const adminUser = env.NODE_RED_ADMIN_USER;
const adminHash = env.NODE_RED_ADMIN_PASSWORD_HASH;

const settings = {
    uiPort: parseInt(env.PORT || '1880', 10),
    flowFile: 'flows.json',
    flowFilePretty: true,
    disableEditor: false,

    // Managed instances: no consent prompt, no calls home, no update banner.
    telemetry: { enabled: false, updateNotification: false },

    logging: {
        console: { level: 'info', metrics: false, audit: false }
    },

    functionExternalModules: true,
    functionGlobalContext: {},
    exportGlobalContextKeys: false
};

// Only when set: leaving it out keeps Node-RED's own generated-key behaviour.
if (env.NODE_RED_CREDENTIAL_SECRET) {
    settings.credentialSecret = env.NODE_RED_CREDENTIAL_SECRET;
}

if (adminUser && adminHash) {
    settings.adminAuth = editorLogins(adminUser, adminHash, env.FLOWGATE_EDITOR_URL, env.FLOWGATE_FILES_TOKEN);
} else if (adminUser || adminHash) {
    // Half a configuration would silently leave the editor open: refuse to start.
    throw new Error('NODE_RED_ADMIN_USER and NODE_RED_ADMIN_PASSWORD_HASH must be set together');
}

/**
 * adminAuth with Flowgate's own user checked here and personal logins checked with Flowgate.
 * Node-RED fixes a session's scope at login and then only asks users(name) on each request,
 * so users() must answer null as soon as Flowgate says a login no longer holds.
 */
function editorLogins(adminUser, adminHash, editorUrl, token) {
    // Node-RED's own bcrypt, resolved from its installation (red.js is the main module in the
    // image and in local processes)
    const bcrypt = require.main ? require.main.require('bcryptjs') : require('bcryptjs');
    const admin = { username: adminUser, permissions: '*' };
    const CACHE_MS = 2000;
    const TIMEOUT_MS = 5000;
    const known = new Map(); // name -> { at, answer: Promise<user|null> }

    // Any failure (Flowgate down, slow, refusing) is "no user": logins fail closed.
    async function ask(path, options) {
        try {
            const response = await fetch(editorUrl + path, {
                ...options,
                headers: { ...(options && options.headers), Authorization: 'Bearer ' + token },
                signal: AbortSignal.timeout(TIMEOUT_MS)
            });
            if (response.status !== 200) {
                return null;
            }
            const user = await response.json();
            return typeof user.username === 'string' && typeof user.permissions === 'string'
                ? { username: user.username, permissions: user.permissions }
                : null;
        } catch (e) {
            return null;
        }
    }

    function remember(name, answer) {
        if (known.size > 1000) {
            known.clear();
        }
        known.set(name, { at: Date.now(), answer: answer });
        return answer;
    }

    return {
        type: 'credentials',
        users: function (username) {
            if (username === adminUser) {
                return Promise.resolve(admin);
            }
            if (!editorUrl || !token || typeof username !== 'string') {
                return Promise.resolve(null);
            }
            const cached = known.get(username);
            if (cached && Date.now() - cached.at < CACHE_MS) {
                return cached.answer;
            }
            return remember(username, ask('/users/' + encodeURIComponent(username)));
        },
        authenticate: function (username, password) {
            if (typeof username !== 'string' || typeof password !== 'string') {
                return Promise.resolve(null);
            }
            if (username === adminUser) {
                return bcrypt.compare(password, adminHash).then(ok => (ok ? admin : null), () => null);
            }
            if (!editorUrl || !token) {
                return Promise.resolve(null);
            }
            const answer = ask('/logins', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ username: username, password: password })
            });
            // the user was just confirmed: the next requests need not ask again at once
            return answer.then(user => (user && user.username === username ? remember(username, Promise.resolve(user)) : null));
        }
    };
}

// Team-managed runtime settings; Flowgate validated them, this only maps them.
if (env.FLOWGATE_NODE_RED_SETTINGS) {
    const managed = JSON.parse(env.FLOWGATE_NODE_RED_SETTINGS);
    if (managed.timeZone) {
        process.env.TZ = managed.timeZone;
    }
    if (managed.httpNodeRoot) {
        settings.httpNodeRoot = managed.httpNodeRoot;
    }
    if (managed.debugMaxLength !== undefined) {
        settings.debugMaxLength = managed.debugMaxLength;
    }
    if (managed.functionTimeout !== undefined) {
        settings.functionTimeout = managed.functionTimeout;
    }
    if (managed.contextStorage) {
        settings.contextStorage = { default: { module: managed.contextStorage } };
    }
}

module.exports = settings;
