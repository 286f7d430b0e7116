package bucket

import (
	"context"
	"net/url"
	"strings"

	"sahafa/news"
)

// Store is a news.Store whose media bytes live in a Bucket: every variant
// and crop written through it is put in the bucket first and the store
// keeps its key; reads of a file fetch its bytes from the bucket. Files
// the database still holds (written before, or by a restore) are served
// from there until Move takes them over. Uploads waiting to be processed
// stay in the database, which drops them once their variants are made.
type Store struct {
	news.Store
	bucket *Bucket
}

// Wrap puts st's media in b.
func Wrap(st news.Store, b *Bucket) *Store { return &Store{Store: st, bucket: b} }

// Bucket is the wrapped store's bucket.
func (s *Store) Bucket() *Bucket { return s.bucket }

// putFile stores f's bytes and returns f with its key and no bytes. A
// file of the store already in the bucket is left as it is.
func (s *Store) putFile(ctx context.Context, f news.MediaFile) (news.MediaFile, error) {
	if f.ObjectKey != "" || len(f.Data) == 0 {
		return f, nil
	}
	key := s.bucket.Key(f.Data, f.Ext)
	if err := s.bucket.Put(ctx, key, f.Data, f.ContentType); err != nil {
		return f, err
	}
	f.Size, f.ObjectKey, f.Data = len(f.Data), key, nil
	return f, nil
}

func (s *Store) putFiles(ctx context.Context, files []news.MediaFile) ([]news.MediaFile, error) {
	out := make([]news.MediaFile, len(files))
	for i, f := range files {
		var err error
		if out[i], err = s.putFile(ctx, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) putCrops(ctx context.Context, crops []news.MediaCropFile) ([]news.MediaCropFile, error) {
	out := make([]news.MediaCropFile, len(crops))
	for i, c := range crops {
		out[i] = c
		var err error
		if out[i].MediaFile, err = s.putFile(ctx, c.MediaFile); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SaveMedia puts the variants in the bucket, then stores the record.
func (s *Store) SaveMedia(ctx context.Context, m news.Media, files []news.MediaFile) (news.Media, error) {
	if err := news.CheckMedia(m, files); err != nil {
		return news.Media{}, err
	}
	files, err := s.putFiles(ctx, files)
	if err != nil {
		return news.Media{}, err
	}
	return s.Store.SaveMedia(ctx, m, files)
}

// FinishMedia puts a processed upload's variants and crops in the bucket,
// then records them.
func (s *Store) FinishMedia(ctx context.Context, m news.Media, files []news.MediaFile, crops []news.MediaCropFile) error {
	files, err := s.putFiles(ctx, files)
	if err != nil {
		return err
	}
	if crops, err = s.putCrops(ctx, crops); err != nil {
		return err
	}
	return s.Store.FinishMedia(ctx, m, files, crops)
}

// SaveCrops puts the new crops in the bucket, then records them.
func (s *Store) SaveCrops(ctx context.Context, id int64, f news.Framing, crops []news.MediaCropFile) (news.Media, error) {
	crops, err := s.putCrops(ctx, crops)
	if err != nil {
		return news.Media{}, err
	}
	return s.Store.SaveCrops(ctx, id, f, crops)
}

// MediaFile returns a variant with its bytes, from the bucket when they
// are there.
func (s *Store) MediaFile(ctx context.Context, id int64, width int) (news.MediaFile, error) {
	f, err := s.Store.MediaFile(ctx, id, width)
	if err != nil {
		return f, err
	}
	return s.fill(ctx, f)
}

// MediaCropFile returns a crop with its bytes, from the bucket when they
// are there.
func (s *Store) MediaCropFile(ctx context.Context, id int64, ratio string, width int) (news.MediaFile, error) {
	f, err := s.Store.MediaCropFile(ctx, id, ratio, width)
	if err != nil {
		return f, err
	}
	return s.fill(ctx, f)
}

func (s *Store) fill(ctx context.Context, f news.MediaFile) (news.MediaFile, error) {
	if f.ObjectKey == "" {
		return f, nil
	}
	data, err := s.bucket.Get(ctx, f.ObjectKey)
	if err != nil {
		return news.MediaFile{}, err
	}
	f.Data, f.Size = data, len(data)
	return f, nil
}

// PublicFiles finds files for the web site (web.Options.MediaFile) when
// the bucket's objects are readable at base (a CDN or the bucket's own web
// address, e.g. https://media.example.com/): a file in the bucket comes
// back with its address there, base + key, and without its bytes; one the
// database still holds comes back with them.
func (s *Store) PublicFiles(base string) func(ctx context.Context, id int64, ratio string, width int) (news.MediaFile, string, error) {
	base = strings.TrimRight(base, "/") + "/"
	return func(ctx context.Context, id int64, ratio string, width int) (news.MediaFile, string, error) {
		f, err := news.FileOf(ctx, s.Store, id, ratio, width)
		if err != nil || f.ObjectKey == "" {
			return f, "", err
		}
		parts := strings.Split(f.ObjectKey, "/")
		for i, p := range parts {
			parts[i] = url.PathEscape(p)
		}
		return f, base + strings.Join(parts, "/"), nil
	}
}
