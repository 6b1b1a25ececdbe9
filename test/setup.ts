import { logger } from '../handlers/lib/observability.js';

// Handlers log through Powertools; tests assert on behaviour, not on log output.
logger.setLogLevel('SILENT');

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
