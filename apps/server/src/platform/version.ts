/** The version reported by the API document and the logs. */
export const VERSION = '0.1.0';
