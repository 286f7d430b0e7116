package bucket

import (
	"context"
	"fmt"

	"sahafa/news"
)

// MoveStats counts what Move did.
type MoveStats struct {
	Images  int // images looked at (the trash's too)
	Moved   int // files whose bytes changed place
	Copied  int // files sent to (or fetched from) the bucket
	Already int // files already where they were to go
}

// Move takes every stored variant and crop of the library in st (the
// store itself, not a Wrap of it) into b, or with toDatabase back into the
// database. Each file moves in its own step: its bytes are copied, then
// the store's row is changed to point at the copy, so a move cut short —
// stopped, crashed, the store gone — leaves every file readable from one
// place or the other, and run again it carries on. Going to the bucket, a
// file whose object is there already (its step was cut off between the
// copy and the row) is not sent again. Objects stay in the bucket when
// files come back: the same bytes may belong to another image.
// Uploads still waiting to be processed are not moved.
func Move(ctx context.Context, st news.Store, b *Bucket, toDatabase bool, progress func(MoveStats)) (MoveStats, error) {
	var ms MoveStats
	err := eachImage(ctx, st, func(m news.Media) error {
		ms.Images++
		err := eachFile(ctx, st, m, func(ratio string, f news.MediaFile) error {
			return moveFile(ctx, st, b, m.ID, ratio, f, toDatabase, &ms)
		})
		if err != nil {
			return fmt.Errorf("image %d: %w", m.ID, err)
		}
		if progress != nil {
			progress(ms)
		}
		return nil
	})
	return ms, err
}

// eachImage calls fn with every image of st's library, the trash's too.
func eachImage(ctx context.Context, st news.Store, fn func(news.Media) error) error {
	for _, trash := range []bool{false, true} {
		for offset := 0; ; {
			page, err := st.MediaList(ctx, news.MediaFilter{Limit: news.MaxListLimit, Offset: offset, Trash: trash})
			if err != nil {
				return fmt.Errorf("list the library: %w", err)
			}
			if len(page.Media) == 0 {
				break
			}
			offset += len(page.Media)
			for _, m := range page.Media {
				if err := fn(m); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// eachFile calls fn with every variant (ratio "") and crop of m, as st
// holds it.
func eachFile(ctx context.Context, st news.Store, m news.Media, fn func(ratio string, f news.MediaFile) error) error {
	for _, v := range m.Variants {
		f, err := st.MediaFile(ctx, m.ID, v.Width)
		if err != nil {
			return err
		}
		if err := fn("", f); err != nil {
			return err
		}
	}
	for _, c := range m.Crops {
		for _, v := range c.Variants {
			f, err := st.MediaCropFile(ctx, m.ID, c.Ratio, v.Width)
			if err != nil {
				return err
			}
			if err := fn(c.Ratio, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func moveFile(ctx context.Context, st news.Store, b *Bucket, id int64, ratio string, f news.MediaFile, toDatabase bool, ms *MoveStats) error {
	if toDatabase {
		if f.ObjectKey == "" {
			ms.Already++
			return nil
		}
		data, err := b.Get(ctx, f.ObjectKey)
		if err != nil {
			return err
		}
		ms.Copied++
		if err := st.MoveMediaFile(ctx, id, ratio, f.Width, "", data); err != nil {
			return err
		}
		ms.Moved++
		return nil
	}
	if f.ObjectKey != "" {
		ms.Already++
		return nil
	}
	key := b.Key(f.Data, f.Ext)
	has, err := b.Has(ctx, key)
	if err != nil {
		return err
	}
	if !has {
		if err := b.Put(ctx, key, f.Data, f.ContentType); err != nil {
			return err
		}
		ms.Copied++
	}
	if err := st.MoveMediaFile(ctx, id, ratio, f.Width, key, nil); err != nil {
		return err
	}
	ms.Moved++
	return nil
}
