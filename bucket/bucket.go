// Package bucket keeps media bytes in an S3-compatible object store
// (Amazon S3, MinIO, SeaweedFS, Ceph, R2, …) through minio-go, instead of
// in the database. A Bucket stores and fetches objects with a size cap, a
// cap on calls at once and a deadline on each; Wrap puts it under a
// news.Store, so that every variant and crop an upload makes goes to the
// bucket and the store keeps only its key; Move copies a library from the
// database to the bucket or back, resumably.
//
// Keys are the SHA-256 of the bytes (PREFIX/sha256/ab/abcd….webp): the
// same bytes are stored once, an object never changes (a CDN may keep it
// for ever), and a copy cut short and run again finds what it already did.
package bucket

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"sahafa/news"
)

// Config says where the bucket is and how hard to try.
type Config struct {
	// URL is s3://BUCKET/PREFIX (the prefix may be empty).
	URL string
	// Endpoint is the store's HOST:PORT (for Amazon S3, s3.amazonaws.com
	// or a regional endpoint).
	Endpoint  string
	AccessKey string
	SecretKey string
	Region    string
	// Insecure talks plain HTTP, for a store on the same host or network.
	Insecure bool
	// MaxObject caps what Get reads (default 64 MiB).
	MaxObject int64
	// Calls caps the calls in flight at once (default 16); more wait for
	// a slot until their deadline.
	Calls int
	// Timeout bounds each call (default 10 s).
	Timeout time.Duration
}

// Bucket is one bucket (and key prefix) of an object store.
type Bucket struct {
	client  *minio.Client
	name    string
	prefix  string
	max     int64
	slots   chan struct{}
	timeout time.Duration

	puts, gets, failures atomic.Int64
}

// ParseURL splits s3://BUCKET/PREFIX.
func ParseURL(raw string) (bucket, prefix string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return "", "", news.Errorf(news.EINVALID, "media store %q: want s3://BUCKET/PREFIX", raw)
	}
	prefix = strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return u.Host, prefix, nil
}

// Open connects to the bucket. It fails when the URL or endpoint is
// malformed, or when the store answers that the bucket does not exist; a
// store that does not answer yet is not an error (calls fail until it
// does).
func Open(ctx context.Context, cfg Config) (*Bucket, error) {
	name, prefix, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Endpoint == "" || strings.Contains(cfg.Endpoint, "/") {
		return nil, news.Errorf(news.EINVALID, "media store endpoint %q: want HOST:PORT", cfg.Endpoint)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: !cfg.Insecure,
		Region: cfg.Region,
		// Path-style requests (endpoint/bucket/key) work with every
		// S3-compatible store, virtual hosts need DNS for each bucket.
		BucketLookup: minio.BucketLookupPath,
		// A store that is down must cost a prompt error, not ten retries.
		MaxRetries: 2,
	})
	if err != nil {
		return nil, news.Errorf(news.EINVALID, "media store: %v", err)
	}
	b := &Bucket{client: client, name: name, prefix: prefix, max: cfg.MaxObject, timeout: cfg.Timeout}
	if b.max <= 0 {
		b.max = 64 << 20
	}
	if b.timeout <= 0 {
		b.timeout = 10 * time.Second
	}
	calls := cfg.Calls
	if calls <= 0 {
		calls = 16
	}
	b.slots = make(chan struct{}, calls)
	err = b.call(ctx, "check the bucket", func(ctx context.Context) error {
		ok, err := client.BucketExists(ctx, name)
		if err == nil && !ok {
			return news.Errorf(news.EINVALID, "media store: bucket %q does not exist", name)
		}
		return err
	})
	if news.ErrorCode(err) == news.EINVALID {
		return nil, err
	}
	return b, nil
}

// Key is where data goes: the hash of the bytes, with the file's
// extension.
func (b *Bucket) Key(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	return b.prefix + "sha256/" + h[:2] + "/" + h + "." + ext
}

// call runs fn with a slot and a deadline, and gives its failures a code:
// EUNAVAILABLE when the store cannot be reached or is busy.
func (b *Bucket) call(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	select {
	case b.slots <- struct{}{}:
		defer func() { <-b.slots }()
	case <-ctx.Done():
		b.failures.Add(1)
		return fmt.Errorf("media store: %s: %w", op, news.Errorf(news.EUNAVAILABLE, "the media store is busy"))
	}
	err := fn(ctx)
	if err == nil {
		return nil
	}
	var de *news.Error
	if errors.As(err, &de) {
		return err
	}
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("media store: %s: %w: %w", op, news.Errorf(news.ENOTFOUND, "not in the media store"), err)
	}
	b.failures.Add(1)
	return fmt.Errorf("media store: %s: %w: %w", op, news.Errorf(news.EUNAVAILABLE, "the media store cannot be reached"), err)
}

// Put stores data under key (idempotent: the key is the bytes' hash).
func (b *Bucket) Put(ctx context.Context, key string, data []byte, contentType string) error {
	return b.call(ctx, "put "+key, func(ctx context.Context) error {
		_, err := b.client.PutObject(ctx, b.name, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
			ContentType:  contentType,
			CacheControl: "public, max-age=31536000, immutable",
		})
		if err == nil {
			b.puts.Add(1)
		}
		return err
	})
}

// Has reports whether key is stored.
func (b *Bucket) Has(ctx context.Context, key string) (bool, error) {
	err := b.call(ctx, "look up "+key, func(ctx context.Context) error {
		_, err := b.client.StatObject(ctx, b.name, key, minio.StatObjectOptions{})
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case news.ErrorCode(err) == news.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// Get reads the object under key, at most MaxObject bytes.
func (b *Bucket) Get(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := b.call(ctx, "get "+key, func(ctx context.Context) error {
		obj, err := b.client.GetObject(ctx, b.name, key, minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		defer obj.Close()
		data, err = io.ReadAll(io.LimitReader(obj, b.max+1))
		if err != nil {
			return err
		}
		if int64(len(data)) > b.max {
			return news.Errorf(news.ELIMITED, "media store: %s is over %d bytes", key, b.max)
		}
		b.gets.Add(1)
		return nil
	})
	return data, err
}

// Stats are the calls a Bucket made, since it was opened.
type Stats struct {
	Puts, Gets, Failures int64
	InFlight             int
}

// Stats reports the bucket's calls.
func (b *Bucket) Stats() Stats {
	return Stats{Puts: b.puts.Load(), Gets: b.gets.Load(), Failures: b.failures.Load(), InFlight: len(b.slots)}
}
