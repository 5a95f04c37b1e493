/** The SDK version. @public */
export const version = '0.1.0';
