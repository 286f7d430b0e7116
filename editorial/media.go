package editorial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sahafa/media"
	"sahafa/news"
)

// Upload checks an uploaded image from its header (format, size,
// dimensions, memory it needs) and stores it as it came, pending: the
// variants and crops are made in the background (RunMedia), so that a
// large photo does not keep the editor waiting. Alt text is required.
// Pixels that turn out corrupt leave the image failed, with the reason.
func (s *Service) Upload(ctx context.Context, u news.User, r io.Reader, alt, caption, credit string) (news.Media, error) {
	if !Can(u, ActUploadMedia, nil) {
		return news.Media{}, forbidden()
	}
	errs := news.FieldErrors{}
	alt, caption, credit = oneLine(alt), oneLine(caption), oneLine(credit)
	checkImageText(errs, "", alt, caption, credit)
	var data []byte
	var info media.Info
	if r == nil {
		errs.Add("file", "اختر صورة لرفعها")
	} else {
		if ctx.Value(admittedUpload{}) != u.ID {
			admitted, release, err := s.AdmitUpload(ctx, u)
			if err != nil {
				return news.Media{}, err
			}
			defer release()
			ctx = admitted
		}
		// The body has arrived (a form's file waits on disk); holding it in
		// memory to check and store it is what is bounded here.
		if err := s.receiving.Enter(ctx); err != nil {
			if ctx.Err() != nil {
				return news.Media{}, ctx.Err()
			}
			return news.Media{}, errBacklog()
		}
		defer s.receiving.Leave()
		limits := media.Limits{MaxBytes: MaxUploadBytes, MaxMemory: s.opts.Images.Budget()}
		var err error
		if data, err = media.ReadUpload(r, limits); err == nil {
			info, err = media.Inspect(data, limits)
		}
		if err != nil {
			if news.ErrorCode(err) != news.EINVALID {
				return news.Media{}, err
			}
			errs.Add("file", news.ErrorMessage(err))
		}
	}
	if err := errs.Err(); err != nil {
		return news.Media{}, err
	}
	m, err := s.store.SaveUpload(ctx, news.Media{CreatedAt: s.opts.Now(), UserID: u.ID, Alt: alt, Caption: caption,
		Credit: credit, Format: info.Format, Width: info.Width, Height: info.Height}, data)
	if err != nil {
		return news.Media{}, err
	}
	s.wakeMedia()
	return m, nil
}

func errBacklog() error {
	return &news.LimitedError{RetryAfter: 10 * time.Second, Busy: true,
		Message: "صور كثيرة تنتظر المعالجة الآن؛ لم يُحفظ شيء. أعد رفع الصورة بعد قليل"}
}

// admittedUpload marks the context of an upload AdmitUpload took, with
// the uploader's id.
type admittedUpload struct{}

// AdmitUpload decides whether the server takes an upload of u now, before
// its body is read, so that a refusal costs nothing: a user's third
// upload at once is refused (429), and so is every upload while the
// background's backlog is full (503). The returned context carries the
// admission into Upload (which then bounds the received uploads held in
// memory, Options.UploadsReceived); release ends it.
func (s *Service) AdmitUpload(ctx context.Context, u news.User) (context.Context, func(), error) {
	if !Can(u, ActUploadMedia, nil) {
		return ctx, nil, forbidden()
	}
	if !s.startUpload(u.ID) {
		return ctx, nil, &news.LimitedError{RetryAfter: 5 * time.Second, Message: fmt.Sprintf(
			"لديك %d صور قيد الرفع الآن؛ انتظر حتى تكتمل ثم ارفع غيرها", s.opts.UploadsPerUser)}
	}
	// The background has a bounded backlog: past it, uploads wait.
	if pending, err := s.store.PendingMedia(ctx, news.MaxPendingUploads); err != nil {
		s.endUpload(u.ID)
		return ctx, nil, err
	} else if len(pending) >= news.MaxPendingUploads {
		s.endUpload(u.ID)
		return ctx, nil, errBacklog()
	}
	return context.WithValue(ctx, admittedUpload{}, u.ID), func() { s.endUpload(u.ID) }, nil
}

func (s *Service) wakeMedia() {
	select {
	case s.mediaWake <- struct{}{}:
	default:
	}
}

// cutsFor are the crops of a framing, one per news.CropRatios.
func cutsFor(f news.Framing) []media.Cut {
	cuts := make([]media.Cut, len(news.CropRatios))
	for i, r := range news.CropRatios {
		cuts[i] = media.Cut{Key: r.Key, Rect: func(w, h int) image.Rectangle { return f.CropRect(r, w, h) }}
	}
	return cuts
}

func variantFiles(vs []media.Variant) []news.MediaFile {
	files := make([]news.MediaFile, len(vs))
	for i, v := range vs {
		files[i] = news.MediaFile{MediaVariant: news.MediaVariant{Width: v.Width, Height: v.Height,
			ContentType: v.ContentType, Ext: v.Ext}, Data: v.Data}
	}
	return files
}

func cropFiles(crops []media.Crop) []news.MediaCropFile {
	var out []news.MediaCropFile
	for _, c := range crops {
		for _, f := range variantFiles(c.Variants) {
			out = append(out, news.MediaCropFile{Ratio: c.Key, MediaFile: f})
		}
	}
	return out
}

// processUpload makes the variants and crops of a pending upload and
// stores them (or why it could not be processed), once at a time on this
// server whoever asks; it returns the image as stored then. A busy gate
// leaves the upload pending, for later.
func (s *Service) processUpload(ctx context.Context, id int64) (news.Media, error) {
	v, err, _ := s.processing.Do(strconv.FormatInt(id, 10), func() (any, error) {
		m, err := s.store.Media(ctx, id)
		if err != nil || m.State != news.MediaPending {
			return m, err
		}
		src, err := s.store.MediaSource(ctx, id)
		if news.ErrorCode(err) == news.ENOTFOUND {
			return s.store.Media(ctx, id) // another server finished it meanwhile
		}
		if err != nil {
			return nil, err
		}
		p, err := s.opts.Images.Process(ctx, bytes.NewReader(src), media.Limits{MaxBytes: MaxUploadBytes}, cutsFor(m.Framing)...)
		done := news.Media{ID: id}
		var files []news.MediaFile
		var crops []news.MediaCropFile
		switch {
		case err == nil:
			done.State, done.Format, done.Width, done.Height = news.MediaReady, p.Format, p.Width, p.Height
			files, crops = variantFiles(p.Variants), cropFiles(p.Crops)
		case news.ErrorCode(err) == news.EINVALID:
			done.State, done.Problem = news.MediaFailed, news.ErrorMessage(err)
		default:
			return nil, err
		}
		if err := s.store.FinishMedia(ctx, done, files, crops); err != nil && news.ErrorCode(err) != news.ECONFLICT {
			return nil, err
		}
		s.mediaChanged(id)
		return s.store.Media(ctx, id)
	})
	if err != nil {
		return news.Media{}, err
	}
	return v.(news.Media), nil
}

// mediaWait bounds how long a save waits for the images it shows.
const mediaWait = 30 * time.Second

// AwaitMedia returns an image once its upload is processed (processing
// it here if nothing has yet), waiting at most wait; an image still
// pending then comes back as it is.
func (s *Service) AwaitMedia(ctx context.Context, id int64, wait time.Duration) (news.Media, error) {
	deadline := time.Now().Add(wait)
	for {
		m, err := s.processUpload(ctx, id)
		var busy *news.LimitedError
		if err != nil && !errors.As(err, &busy) {
			return news.Media{}, err
		}
		if err == nil && m.State != news.MediaPending {
			return m, nil
		}
		if time.Now().After(deadline) {
			return s.store.Media(ctx, id)
		}
		t := time.NewTimer(200 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return news.Media{}, ctx.Err()
		case <-t.C:
		}
	}
}

// mediaPoll bounds the media worker's sleep: uploads stored by another
// server are processed within it.
const mediaPoll = 30 * time.Second

// RunMedia processes pending uploads until ctx ends: at once after an
// upload on this server, and every mediaPoll for the others'.
func (s *Service) RunMedia(ctx context.Context) {
	for {
		ids, err := s.store.PendingMedia(ctx, 8)
		if err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("media: listing pending uploads", "err", err)
		}
		more := len(ids) == 8
		for _, id := range ids {
			if _, err := s.processUpload(ctx, id); err != nil {
				if ctx.Err() != nil {
					return
				}
				s.opts.Logger.Warn("media: processing an upload", "id", id, "err", err)
				more = false
				break
			}
		}
		if len(ids) == 0 {
			// Nothing waiting: crop an image stored before crops existed.
			more = s.cropOld(ctx)
		}
		if more {
			continue
		}
		t := time.NewTimer(mediaPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.mediaWake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Reframe sets an image's focal point and hand-drawn crops, and cuts its
// crops again from its largest variant.
func (s *Service) Reframe(ctx context.Context, u news.User, id int64, f news.Framing) (news.Media, error) {
	m, err := s.store.Media(ctx, id)
	if err != nil {
		return news.Media{}, err
	}
	if !CanEditMedia(u, m.UserID) {
		return news.Media{}, forbidden()
	}
	if err := news.CheckFraming(f); err != nil {
		return news.Media{}, news.FieldErrors{"framing": news.ErrorMessage(err)}
	}
	if !m.Ready() {
		return news.Media{}, news.Errorf(news.ECONFLICT, "الصورة لم تُعالَج بعد؛ أعد المحاولة بعد لحظات")
	}
	return s.reframe(ctx, m, f)
}

// reframe cuts an image's crops for a framing from its largest variant
// and stores them.
func (s *Service) reframe(ctx context.Context, m news.Media, f news.Framing) (news.Media, error) {
	id := m.ID
	top := m.CropSource()
	file, err := s.store.MediaFile(ctx, id, top.Width)
	if err != nil {
		return news.Media{}, err
	}
	crops, err := s.opts.Images.Recrop(ctx, bytes.NewReader(file.Data), media.Limits{MaxBytes: MaxUploadBytes}, cutsFor(f))
	if err != nil {
		return news.Media{}, err
	}
	m, err = s.store.SaveCrops(ctx, id, f, cropFiles(crops))
	if err == nil {
		s.mediaChanged(id)
	}
	return m, err
}

// mediaChanged drops this server's cached pages that show image id at
// once (the store's change watchers tell the other servers).
func (s *Service) mediaChanged(id int64) {
	if s.opts.MediaChanged != nil {
		s.opts.MediaChanged(id)
		return
	}
	s.pub.Changed()
}

// TrashMedia puts an image in the trash (its uploader or an editor); it
// stays on the pages that show it until it is deleted for good.
func (s *Service) TrashMedia(ctx context.Context, u news.User, id int64, trash bool) error {
	m, err := s.store.Media(ctx, id)
	if err != nil {
		return err
	}
	if !CanEditMedia(u, m.UserID) {
		return forbidden()
	}
	at := time.Time{}
	if trash {
		at = s.opts.Now().UTC().Truncate(time.Second)
	}
	if err := s.store.TrashMedia(ctx, id, at); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// PurgeMedia deletes an image in the trash for good (editors), unless an
// article still shows it.
func (s *Service) PurgeMedia(ctx context.Context, u news.User, id int64) error {
	if !Can(u, ActEditMedia, nil) {
		return forbidden()
	}
	m, err := s.store.Media(ctx, id)
	if err != nil {
		return err
	}
	if !m.InTrash() {
		return news.Errorf(news.ECONFLICT, "انقل الصورة إلى سلة المحذوفات قبل حذفها نهائيًا")
	}
	if n, err := s.store.MediaUse(ctx, id); err != nil {
		return err
	} else if n > 0 {
		return news.Errorf(news.ECONFLICT, "الصورة تظهر في %d مقال؛ أزلها منها قبل حذفها نهائيًا", n)
	}
	if _, err := s.store.PurgeMedia(ctx, []int64{id}, s.opts.Now().Add(time.Minute)); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// PurgeMediaDue deletes the images in the trash past news.TrashRetention
// that no article shows, and returns how many.
func (s *Service) PurgeMediaDue(ctx context.Context) (int, error) {
	before := s.opts.Now().Add(-news.TrashRetention)
	list, err := s.store.MediaList(ctx, news.MediaFilter{Trash: true, Limit: news.MaxListLimit})
	if err != nil {
		return 0, err
	}
	var due []int64
	for _, m := range list.Media {
		if m.DeletedAt.After(before) {
			continue
		}
		if n, err := s.store.MediaUse(ctx, m.ID); err != nil {
			return 0, err
		} else if n == 0 {
			due = append(due, m.ID)
		}
	}
	n, err := s.store.PurgeMedia(ctx, due, before)
	if n > 0 {
		s.pub.Changed()
	}
	return n, err
}

// mediaInBody finds the library images an article body shows.
var mediaInBody = regexp.MustCompile(`/media/([0-9]{1,18})\b`)

// awaitInputMedia waits (at most mediaWait in all) for the images a form
// names that are still being processed.
func (s *Service) awaitInputMedia(ctx context.Context, in ArticleInput) error {
	seen := map[int64]bool{}
	var ids []int64
	add := func(v string) {
		if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && id > 0 && !seen[id] && len(ids) < 50 {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	add(in.ImageID)
	add(in.SocialImageID)
	for _, m := range mediaInBody.FindAllStringSubmatch(in.Body, -1) {
		add(m[1])
	}
	deadline := time.Now().Add(mediaWait)
	for _, id := range ids {
		m, err := s.store.Media(ctx, id)
		if err != nil || m.State != news.MediaPending {
			continue // a missing image is the form's error to report
		}
		if _, err := s.AwaitMedia(ctx, id, time.Until(deadline)); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// cropOld cuts the crops of one processed image that has none (stored
// before crops existed), and reports whether there may be more.
func (s *Service) cropOld(ctx context.Context) bool {
	ids, err := s.store.UncroppedMedia(ctx, len(s.cropFailed)+1)
	if err != nil {
		return false
	}
	for _, id := range ids {
		if s.cropFailed[id] {
			continue // tried since this server started: not again
		}
		m, err := s.store.Media(ctx, id)
		if err == nil {
			_, err = s.reframe(ctx, m, m.Framing)
		}
		if err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Warn("media: cropping an older image", "id", id, "err", err)
				s.cropFailed[id] = true
			}
			return false
		}
		return true
	}
	return false
}
