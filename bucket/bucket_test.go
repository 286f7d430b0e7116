package bucket_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sahafa/bucket"
	"sahafa/bucket/buckettest"
	"sahafa/news"
	"sahafa/store/teststores"
)

func openBucket(t *testing.T, w *buckettest.Weed) *bucket.Bucket {
	t.Helper()
	b, err := bucket.Open(context.Background(), bucket.Config{URL: buckettest.URL(), Endpoint: w.Endpoint, Insecure: true,
		Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func file(w, h int, data string) news.MediaFile {
	return news.MediaFile{MediaVariant: news.MediaVariant{Width: w, Height: h, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte(data)}
}

func crop(ratio string, w, h int, data string) news.MediaCropFile {
	return news.MediaCropFile{Ratio: ratio, MediaFile: file(w, h, data)}
}

func TestOpenChecks(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []bucket.Config{
		{URL: "https://sahafa/x", Endpoint: "127.0.0.1:1"},
		{URL: "s3:///x", Endpoint: "127.0.0.1:1"},
		{URL: "s3://sahafa", Endpoint: ""},
		{URL: "s3://sahafa", Endpoint: "http://127.0.0.1:1/"},
	} {
		if _, err := bucket.Open(ctx, cfg); news.ErrorCode(err) != news.EINVALID {
			t.Errorf("Open(%+v) = %v, want EINVALID", cfg, err)
		}
	}
	// A store that does not answer yet is not an error at Open.
	if _, err := bucket.Open(ctx, bucket.Config{URL: "s3://sahafa/p", Endpoint: "127.0.0.1:1", Insecure: true, Timeout: time.Second}); err != nil {
		t.Errorf("Open with the store down: %v", err)
	}
}

// TestWrappedStore: media written through a wrapped store lands in the
// bucket, the database keeps the key alone, and reads bring the bytes
// back; on both stores.
func TestWrappedStore(t *testing.T) {
	w := buckettest.Start(t)
	if _, err := bucket.Open(context.Background(), bucket.Config{URL: "s3://no-such-bucket", Endpoint: w.Endpoint, Insecure: true}); news.ErrorCode(err) != news.EINVALID {
		t.Errorf("Open of a missing bucket = %v, want EINVALID", err)
	}
	teststores.Each(t, func(t *testing.T, open teststores.OpenFunc) {
		ctx := context.Background()
		raw := open(t)
		b := openBucket(t, w)
		st := bucket.Wrap(raw, b)

		m, err := st.SaveMedia(ctx, news.Media{Alt: "مدرجات ملعب القاهرة الدولي", Format: "jpeg", Width: 1200, Height: 800},
			[]news.MediaFile{file(320, 213, "صغيرة"), file(1200, 800, "كبيرة")})
		if err != nil {
			t.Fatal(err)
		}
		if m.Variants[1].Size != len("كبيرة") {
			t.Errorf("variant size %d, want %d", m.Variants[1].Size, len("كبيرة"))
		}
		rf, err := raw.MediaFile(ctx, m.ID, 1200)
		if err != nil || rf.ObjectKey == "" || len(rf.Data) != 0 {
			t.Fatalf("the database's row: key %q, %d bytes, %v; want a key and no bytes", rf.ObjectKey, len(rf.Data), err)
		}
		if has, err := b.Has(ctx, rf.ObjectKey); !has || err != nil {
			t.Fatalf("object %s in the bucket: %v, %v", rf.ObjectKey, has, err)
		}
		f, err := st.MediaFile(ctx, m.ID, 1200)
		if err != nil || string(f.Data) != "كبيرة" || f.Size != len("كبيرة") {
			t.Fatalf("MediaFile through the bucket = %q (%d), %v", f.Data, f.Size, err)
		}
		if _, err := st.SaveCrops(ctx, m.ID, news.Framing{}, []news.MediaCropFile{crop("16x9", 640, 360, "مقطع عريض")}); err != nil {
			t.Fatal(err)
		}
		cf, err := st.MediaCropFile(ctx, m.ID, "16x9", 640)
		if err != nil || string(cf.Data) != "مقطع عريض" {
			t.Fatalf("MediaCropFile = %q, %v", cf.Data, err)
		}
		if rc, _ := raw.MediaCropFile(ctx, m.ID, "16x9", 640); rc.ObjectKey == "" {
			t.Error("the crop's bytes stayed in the database")
		}
		// An upload processed through the wrapped store.
		up, err := st.SaveUpload(ctx, news.Media{Alt: "صورة", Format: "jpeg", Width: 10, Height: 10}, []byte("الأصل"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.FinishMedia(ctx, news.Media{ID: up.ID, State: news.MediaReady, Format: "jpeg", Width: 10, Height: 10},
			[]news.MediaFile{file(10, 10, "معالجة")}, []news.MediaCropFile{crop("1x1", 10, 10, "مربع")}); err != nil {
			t.Fatal(err)
		}
		if f, err := st.MediaFile(ctx, up.ID, 10); err != nil || string(f.Data) != "معالجة" {
			t.Errorf("processed upload = %q, %v", f.Data, err)
		}
		if err := raw.MoveMediaFile(ctx, m.ID, "", 999, "k", nil); news.ErrorCode(err) != news.ENOTFOUND {
			t.Errorf("MoveMediaFile of a missing file = %v, want ENOTFOUND", err)
		}
	})
}

// TestMoveResumes: a library moved into the bucket, cut off after its
// first image and run again, copies each file once; moved back, every
// file reads as before.
func TestMoveResumes(t *testing.T) {
	w := buckettest.Start(t)
	teststores.Each(t, func(t *testing.T, open teststores.OpenFunc) {
		ctx := context.Background()
		raw := open(t)
		b := openBucket(t, w)
		want := map[[3]any]string{}
		for i, alt := range []string{"سوق الحميدية", "نهر النيل عند أسوان", "مسجد الحسن الثاني"} {
			m, err := raw.SaveMedia(ctx, news.Media{Alt: alt, Format: "jpeg", Width: 800, Height: 600},
				[]news.MediaFile{file(320, 240, alt+" 320"), file(800, 600, alt+" 800")})
			if err != nil {
				t.Fatal(err)
			}
			want[[3]any{m.ID, "", 320}] = alt + " 320"
			want[[3]any{m.ID, "", 800}] = alt + " 800"
			if i != 1 {
				if _, err := raw.SaveCrops(ctx, m.ID, news.Framing{}, []news.MediaCropFile{crop("1x1", 300, 300, alt+" مربع")}); err != nil {
					t.Fatal(err)
				}
				want[[3]any{m.ID, "1x1", 300}] = alt + " مربع"
			}
		}
		read := func(s news.Store, k [3]any) (news.MediaFile, error) {
			if k[1] == "" {
				return s.MediaFile(ctx, k[0].(int64), k[2].(int))
			}
			return s.MediaCropFile(ctx, k[0].(int64), k[1].(string), k[2].(int))
		}

		// Cut off after the first image.
		cctx, cancel := context.WithCancel(ctx)
		_, err := bucket.Move(cctx, raw, b, false, func(ms bucket.MoveStats) { cancel() })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the cut-off move: %v, want cancelled", err)
		}
		first := b.Stats().Puts
		if first == 0 || first >= int64(len(want)) {
			t.Fatalf("the cut-off move put %d of %d files", first, len(want))
		}
		ms, err := bucket.Move(ctx, raw, b, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if total := b.Stats().Puts; total != int64(len(want)) {
			t.Errorf("files put in all: %d, want each of the %d once (second run: %+v)", total, len(want), ms)
		}
		st := bucket.Wrap(raw, b)
		for k, data := range want {
			rf, err := read(raw, k)
			if err != nil || rf.ObjectKey == "" || len(rf.Data) != 0 {
				t.Errorf("%v after the move: key %q, %d bytes in the database, %v", k, rf.ObjectKey, len(rf.Data), err)
			}
			if f, err := read(st, k); err != nil || string(f.Data) != data {
				t.Errorf("%v through the bucket = %q, %v; want %q", k, f.Data, err, data)
			}
		}

		// And back.
		if _, err := bucket.Move(ctx, raw, b, true, nil); err != nil {
			t.Fatal(err)
		}
		for k, data := range want {
			if rf, err := read(raw, k); err != nil || rf.ObjectKey != "" || !bytes.Equal(rf.Data, []byte(data)) {
				t.Errorf("%v back in the database: key %q, %q, %v", k, rf.ObjectKey, rf.Data, err)
			}
		}
	})
}

// TestStoreDown: with the object store gone, media reads fail at once
// with EUNAVAILABLE, and the rest of the store still answers.
func TestStoreDown(t *testing.T) {
	w := buckettest.Start(t)
	ctx := context.Background()
	raw := teststores.SQLite(t)
	st := bucket.Wrap(raw, openBucket(t, w))
	m, err := st.SaveMedia(ctx, news.Media{Alt: "ساحة التحرير", Format: "jpeg", Width: 10, Height: 10}, []news.MediaFile{file(10, 10, "بايتات")})
	if err != nil {
		t.Fatal(err)
	}
	w.Stop()
	for range 5 {
		t0 := time.Now()
		_, err := st.MediaFile(ctx, m.ID, 10)
		if news.ErrorCode(err) != news.EUNAVAILABLE {
			t.Fatalf("MediaFile with the store down = %v, want EUNAVAILABLE", err)
		}
		if d := time.Since(t0); d > 3*time.Second {
			t.Errorf("MediaFile with the store down took %v", d)
		}
	}
	if _, err := st.Media(ctx, m.ID); err != nil {
		t.Errorf("the image's record with the store down: %v", err)
	}
	if _, err := st.Articles(ctx, news.ArticleFilter{Limit: 5}); err != nil {
		t.Errorf("articles with the store down: %v", err)
	}
	if _, err := st.SaveMedia(ctx, news.Media{Alt: "صورة", Format: "jpeg", Width: 10, Height: 10}, []news.MediaFile{file(10, 10, "أخرى")}); news.ErrorCode(err) != news.EUNAVAILABLE {
		t.Errorf("SaveMedia with the store down = %v, want EUNAVAILABLE", err)
	}
}

// TestSweep: objects no file points at (a file brought back into the
// database, a stray put) are removed once older than the grace period;
// objects in use (one of them shared by two images, one of which came
// back) and keys Sahafa does not write are left; a dry run removes nothing.
func TestSweep(t *testing.T) {
	w := buckettest.Start(t)
	teststores.Each(t, func(t *testing.T, open teststores.OpenFunc) {
		ctx := context.Background()
		raw := open(t)
		b := openBucket(t, w)
		st := bucket.Wrap(raw, b)
		save := func(alt string, files ...news.MediaFile) news.Media {
			t.Helper()
			m, err := st.SaveMedia(ctx, news.Media{Alt: alt, Format: "jpeg", Width: 800, Height: 600}, files)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		kept := save("سوق الحميدية", file(320, 240, "سوق 320"), file(800, 600, "سوق 800"))
		back := save("نهر النيل عند أسوان", file(320, 240, "نيل 320"), file(800, 600, "مشترك"))
		sharer := save("نهر النيل مرة أخرى", file(800, 600, "مشترك"))
		keyOf := func(id int64, width int) string {
			t.Helper()
			f, err := raw.MediaFile(ctx, id, width)
			if err != nil || f.ObjectKey == "" {
				t.Fatalf("image %d/%d: key %q, %v", id, width, f.ObjectKey, err)
			}
			return f.ObjectKey
		}
		inUse := []string{keyOf(kept.ID, 320), keyOf(kept.ID, 800), keyOf(sharer.ID, 800)}
		gone := keyOf(back.ID, 320)
		for _, width := range []int{320, 800} {
			if err := raw.MoveMediaFile(ctx, back.ID, "", width, "", []byte(map[int]string{320: "نيل 320", 800: "مشترك"}[width])); err != nil {
				t.Fatal(err)
			}
		}
		stray := b.Key([]byte("بقايا"), "jpg")
		if err := b.Put(ctx, stray, []byte("بقايا"), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		foreign := stray[:strings.Index(stray, "sha256/")] + "notes.txt" // the site's prefix, not Sahafa's key
		if err := b.Put(ctx, foreign, []byte("ليس من صحافة"), "text/plain"); err != nil {
			t.Fatal(err)
		}
		has := func(key string) bool {
			t.Helper()
			ok, err := b.Has(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}

		ss, err := bucket.Sweep(ctx, raw, b, time.Hour, false, nil)
		if err != nil || ss.Removed != 0 || ss.Young != 2 || ss.Objects != 5 || ss.Files != 3 {
			t.Errorf("sweep with an hour's grace: %+v, %v; want 3 files, 5 objects, 2 young, none removed", ss, err)
		}
		time.Sleep(2100 * time.Millisecond) // past the stores' whole-second times
		if ss, err := bucket.Sweep(ctx, raw, b, 0, true, nil); err != nil || ss.Removed != 2 || !has(gone) || !has(stray) {
			t.Errorf("dry run: %+v, %v; want 2 to remove, both still there", ss, err)
		}
		if ss, err := bucket.Sweep(ctx, raw, b, 0, false, nil); err != nil || ss.Removed != 2 {
			t.Errorf("sweep: %+v, %v; want 2 removed", ss, err)
		}
		if has(gone) || has(stray) {
			t.Errorf("unused objects left: %v %v", has(gone), has(stray))
		}
		for _, k := range append(inUse, foreign) {
			if !has(k) {
				t.Errorf("%s was removed", k)
			}
		}
		for id, widths := range map[int64][]int{kept.ID: {320, 800}, back.ID: {320, 800}, sharer.ID: {800}} {
			for _, width := range widths {
				if f, err := st.MediaFile(ctx, id, width); err != nil || len(f.Data) == 0 {
					t.Errorf("image %d/%d after the sweep: %d bytes, %v", id, width, len(f.Data), err)
				}
			}
		}
	})
}
