/**
 * Node-RED settings for every Flowgate-managed instance (both image variants and
 * local Node-RED processes). Everything instance-specific comes from the
 * environment, so one image serves every instance:
 *
 *   PORT                          editor/admin HTTP port (default 1880)
 *   NODE_RED_CREDENTIAL_SECRET    key that encrypts flows_cred.json; unset = Node-RED's
 *                                 default (a generated key kept in .config.runtime.json)
 *   NODE_RED_ADMIN_USER           with NODE_RED_ADMIN_PASSWORD_HASH (bcrypt): the one
 *   NODE_RED_ADMIN_PASSWORD_HASH  admin user, permissions "*"; both unset = no adminAuth
 *   FLOWGATE_NODE_RED_SETTINGS    JSON of the runtime settings a team may set (validated by
 *                                 Flowgate): timeZone, httpNodeRoot, debugMaxLength,
 *                                 functionTimeout, contextStorage (memory|localfilesystem)
 *
 * Read by flows only (no setting here): FLOWGATE_FILES_URL and FLOWGATE_FILES_TOKEN,
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
    settings.adminAuth = {
        type: 'credentials',
        users: [{ username: adminUser, password: adminHash, permissions: '*' }]
    };
} else if (adminUser || adminHash) {
    // Half a configuration would silently leave the editor open: refuse to start.
    throw new Error('NODE_RED_ADMIN_USER and NODE_RED_ADMIN_PASSWORD_HASH must be set together');
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
