declare module 's3rver' {
  /** An S3-compatible server (jamhall/s3rver), kept in a folder. */
  export default class S3rver {
    constructor(options: {
      readonly port?: number;
      readonly address?: string;
      readonly silent?: boolean;
      readonly directory: string;
    });
    run(): Promise<{ readonly address: string; readonly port: number }>;
    close(): Promise<void>;
  }
}
