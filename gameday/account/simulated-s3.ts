import { createHash, randomUUID } from 'node:crypto';
import {
  type GetObjectCommandInput,
  type HeadObjectCommandInput,
  type ListObjectsV2CommandInput,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  type PutObjectCommandInput,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { VirtualClock } from './virtual-clock.js';

/** A bucket's default Object Lock retention. */
export interface ObjectLockDefault {
  readonly mode: 'COMPLIANCE' | 'GOVERNANCE';
  readonly days: number;
}

interface ObjectVersion {
  readonly versionId: string;
  readonly body: Buffer;
  readonly contentType?: string;
  readonly lastModified: Date;
  readonly retainUntil?: Date;
  readonly mode?: ObjectLockDefault['mode'];
}

interface Bucket {
  readonly objectLock?: ObjectLockDefault;
  readonly objects: Map<string, ObjectVersion[]>;
}

/** The error S3 answers a write or delete the lock refuses with. */
class ObjectLocked extends S3ServiceException {
  constructor(message: string) {
    super({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message });
  }
}

/**
 * S3 buckets with versioning and Object Lock: every put is a new version, which a bucket's
 * default retention locks until its date (a version under retention cannot be deleted, in
 * COMPLIANCE mode by nobody); deleting without a version only adds a delete marker.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export class SimulatedS3 {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: VirtualClock) {}

  createBucket(name: string, objectLock?: ObjectLockDefault): void {
    this.buckets.set(name, { ...(objectLock ? { objectLock } : {}), objects: new Map() });
  }

  private bucket(name: string | undefined): Bucket {
    const bucket = this.buckets.get(name ?? '');
    if (!bucket) throw new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: {} });
    return bucket;
  }

  putObject(input: PutObjectCommandInput): { VersionId: string; ETag: string } {
    const bucket = this.bucket(input.Bucket);
    const body = Buffer.from(input.Body as string | Uint8Array);
    const now = this.clock.now();
    const lock = bucket.objectLock;
    const version: ObjectVersion = {
      versionId: randomUUID(),
      body,
      ...(input.ContentType ? { contentType: input.ContentType } : {}),
      lastModified: now,
      ...(lock ? { mode: lock.mode, retainUntil: new Date(now.getTime() + lock.days * 86_400_000) } : {}),
    };
    const versions = bucket.objects.get(input.Key ?? '') ?? [];
    bucket.objects.set(input.Key ?? '', [...versions, version]);
    return { VersionId: version.versionId, ETag: `"${createHash('md5').update(body).digest('hex')}"` };
  }

  private latest(input: { Bucket?: string; Key?: string }): ObjectVersion | undefined {
    return this.bucket(input.Bucket)
      .objects.get(input.Key ?? '')
      ?.at(-1);
  }

  headObject(input: HeadObjectCommandInput) {
    const version = this.latest(input);
    if (!version) throw new NotFound({ message: 'Not Found', $metadata: {} });
    return {
      VersionId: version.versionId,
      ContentLength: version.body.length,
      LastModified: version.lastModified,
      ...(version.mode
        ? { ObjectLockMode: version.mode, ObjectLockRetainUntilDate: version.retainUntil }
        : {}),
    };
  }

  getObject(input: GetObjectCommandInput) {
    const version = this.latest(input);
    if (!version) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    const body = version.body;
    return {
      ...this.headObject(input),
      Body: { transformToString: async () => body.toString('utf8') },
    };
  }

  /** Deletes a version: refused while its retention lasts; without a version, nothing is removed. */
  deleteObject(input: { Bucket?: string; Key?: string; VersionId?: string }): Record<string, unknown> {
    const bucket = this.bucket(input.Bucket);
    const versions = bucket.objects.get(input.Key ?? '') ?? [];
    if (!input.VersionId) return { DeleteMarker: true };
    const version = versions.find((v) => v.versionId === input.VersionId);
    if (version?.retainUntil && version.retainUntil > this.clock.now())
      throw new ObjectLocked('Access Denied because object protected by object lock.');
    bucket.objects.set(
      input.Key ?? '',
      versions.filter((v) => v.versionId !== input.VersionId),
    );
    return {};
  }

  listObjectsV2(input: ListObjectsV2CommandInput) {
    const bucket = this.bucket(input.Bucket);
    const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    return {
      Contents: keys.map((Key) => ({ Key, Size: bucket.objects.get(Key)?.at(-1)?.body.length ?? 0 })),
      KeyCount: keys.length,
      IsTruncated: false,
    };
  }

  /** The buckets of the account. */
  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  /** Every version of an object, oldest first (what a retention check reads). */
  versionsOf(bucket: string, key: string): readonly ObjectVersion[] {
    return this.bucket(bucket).objects.get(key) ?? [];
  }

  operations() {
    return {
      PutObject: (input: PutObjectCommandInput) => this.putObject(input),
      HeadObject: (input: HeadObjectCommandInput) => this.headObject(input),
      GetObject: (input: GetObjectCommandInput) => this.getObject(input),
      DeleteObject: (input: { Bucket?: string; Key?: string; VersionId?: string }) =>
        this.deleteObject(input),
      ListObjectsV2: (input: ListObjectsV2CommandInput) => this.listObjectsV2(input),
    };
  }
}
