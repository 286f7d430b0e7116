package bucket

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"

	"sahafa/news"
)

// SweepStats counts what Sweep did.
type SweepStats struct {
	Files   int // files of the library that point into the bucket
	Objects int // objects under the bucket's prefix
	Young   int // objects no file points at, left because they are new
	Removed int // objects no file points at, removed (or, dry, to remove)
}

// Sweep removes the objects of b that no file of st's library (the store
// itself, not a Wrap of it; the trash included) points at: files brought
// back into the database and purged images leave theirs behind. An upload
// puts its object before its row is written, so objects changed less than
// grace before the sweep began are left; each is looked at again just
// before it is removed, and left when the same bytes were stored again
// meanwhile. With dry, nothing is removed. Only keys Sahafa writes
// (PREFIX/sha256/…) are looked at. The library's keys are held as 16-byte
// hashes: 1M files cost about 50 MB.
func Sweep(ctx context.Context, st news.Store, b *Bucket, grace time.Duration, dry bool, progress func(SweepStats)) (SweepStats, error) {
	var ss SweepStats
	// Stores keep whole seconds: a second's slack, so that an object
	// stored again just after the start never looks older.
	cutoff := time.Now().Add(-grace).Truncate(time.Second).Add(-time.Second)
	used := map[[16]byte]struct{}{}
	err := eachImage(ctx, st, func(m news.Media) error {
		return eachFile(ctx, st, m, func(_ string, f news.MediaFile) error {
			if f.ObjectKey != "" {
				used[keyHash(f.ObjectKey)] = struct{}{}
				ss.Files++
			}
			return nil
		})
	})
	if err != nil {
		return ss, err
	}
	listCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range b.client.ListObjects(listCtx, b.name, minio.ListObjectsOptions{Prefix: b.prefix + "sha256/", Recursive: true}) {
		if obj.Err != nil {
			b.failures.Add(1)
			return ss, fmt.Errorf("media store: list %s: %w: %w", b.prefix, news.Errorf(news.EUNAVAILABLE, "the media store cannot be reached"), obj.Err)
		}
		ss.Objects++
		if _, ok := used[keyHash(obj.Key)]; ok {
			continue
		}
		if !obj.LastModified.Before(cutoff) {
			ss.Young++
			continue
		}
		if !dry {
			removed, err := b.removeUnchanged(ctx, obj.Key, cutoff)
			if err != nil {
				return ss, err
			}
			if !removed {
				ss.Young++
				continue
			}
		}
		ss.Removed++
		if progress != nil && ss.Removed%100 == 0 {
			progress(ss)
		}
	}
	return ss, nil
}

func keyHash(key string) [16]byte {
	sum := sha256.Sum256([]byte(key))
	return [16]byte(sum[:16])
}

// removeUnchanged removes key unless it was stored at or after before.
func (b *Bucket) removeUnchanged(ctx context.Context, key string, before time.Time) (bool, error) {
	var removed bool
	err := b.call(ctx, "remove "+key, func(ctx context.Context) error {
		info, err := b.client.StatObject(ctx, b.name, key, minio.StatObjectOptions{})
		if err != nil {
			return err
		}
		if !info.LastModified.Before(before) {
			return nil
		}
		if err := b.client.RemoveObject(ctx, b.name, key, minio.RemoveObjectOptions{}); err != nil {
			return err
		}
		removed = true
		return nil
	})
	if news.ErrorCode(err) == news.ENOTFOUND {
		return false, nil // gone already
	}
	return removed, err
}
