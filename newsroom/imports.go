package newsroom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"sahafa/editorial"
	"sahafa/news"
)

// Imports from the newsroom: an administrator uploads a WordPress export,
// a JSON Lines file, a web page or a site export (or gives a page's
// address); it is imported in the background, one at a time on a server,
// by the same code as "sahafa import", and its page shows the progress
// line and then the same summary.

// Importer imports one file (or an address) for the newsroom, writing its
// progress lines to progress, and returns the summary "sahafa import"
// prints. sectionMap is --map-section's.
type Importer func(ctx context.Context, path, name string, sectionMap map[string]string, progress io.Writer) (summary string, err error)

// ImportHeartbeat is how often a running job is saved; a running job not
// saved for ImportJobStale stopped with its server.
const (
	ImportHeartbeat = 5 * time.Second
	ImportJobStale  = 2 * time.Minute
)

// ImportStopped is the problem of a job its server stopped.
const ImportStopped = "توقف الاستيراد لأن الخادم توقف؛ استورد الملف مرة أخرى: ما حُفظ باقٍ ولا يتكرر شيء."

// DefaultImportMaxBytes bounds an uploaded import file.
const DefaultImportMaxBytes = 512 << 20

func (h *Handler) importRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/import/{$}", h.auth(h.importsPage))
	m.Handle("POST /newsroom/import/{$}", h.auth(h.startImport))
	m.Handle("GET /newsroom/import/{id}", h.auth(h.importJobPage))
}

// importsView is the imports page, or one job's.
type importsView struct {
	Jobs    []news.ImportJob
	One     *news.ImportJob
	Running bool // an import runs on this server now
	MaxMB   int64
	Map     string // the section map as typed, when the form comes back
}

func (h *Handler) importsAvailable(w http.ResponseWriter, r *request) bool {
	return h.available(w, r, editorial.ActSettings, h.opts.Import != nil, "الاستيراد من غرفة الأخبار غير مفعّل في هذا الخادم.")
}

// available lets a page of an optional part of the newsroom go on: the
// user may do act (else 403), and the server has the part (else 404 with
// off, which says so).
func (h *Handler) available(w http.ResponseWriter, r *request, act editorial.Action, on bool, off string) bool {
	if !h.require(w, r, act) {
		return false
	}
	if !on {
		h.renderError(w, r.Request, r, http.StatusNotFound, off)
		return false
	}
	return true
}

func (h *Handler) importsPage(w http.ResponseWriter, r *request) {
	if !h.importsAvailable(w, r) {
		return
	}
	h.renderImports(w, r, http.StatusOK, "", nil)
}

func (h *Handler) renderImports(w http.ResponseWriter, r *request, status int, sectionMap string, errs news.FieldErrors) {
	jobs, err := h.opts.Store.ImportJobs(r.Context(), 20)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	view := &importsView{Jobs: jobs, Running: h.importing.Load(), MaxMB: h.importMaxBytes() >> 20, Map: sectionMap}
	h.render(w, r.Request, r, status, "imports", &page{Title: "استيراد", Active: "import", Imports: view, Errors: errs,
		Refresh: view.Running})
}

func (h *Handler) importJobPage(w http.ResponseWriter, r *request) {
	if !h.importsAvailable(w, r) {
		return
	}
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "لا يوجد استيراد بهذا الرقم.")
		return
	}
	j, err := h.opts.Store.ImportJob(r.Context(), id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "imports", &page{Title: "استيراد " + j.Name, Active: "import",
		Imports: &importsView{One: &j}, Refresh: j.State == news.JobRunning})
}

func (h *Handler) importMaxBytes() int64 {
	if h.opts.ImportMaxBytes > 0 {
		return h.opts.ImportMaxBytes
	}
	return DefaultImportMaxBytes
}

// startImport keeps the uploaded file (or the address), starts the job
// and goes to its page.
func (h *Handler) startImport(w http.ResponseWriter, r *request) {
	if !h.importsAvailable(w, r) {
		return
	}
	mapText := r.PostFormValue("map_section")
	sectionMap, problem := parseSectionMap(mapText)
	if problem != "" {
		h.renderImports(w, r, statusInvalid, mapText, news.FieldErrors{"map_section": problem})
		return
	}
	if !h.importing.CompareAndSwap(false, true) {
		w.Header().Set("Retry-After", "30")
		h.renderError(w, r.Request, r, http.StatusTooManyRequests, "يجري استيراد آخر على هذا الخادم الآن؛ انتظر حتى ينتهي ثم ابدأ التالي.")
		return
	}
	started := false
	defer func() {
		if !started {
			h.importing.Store(false)
		}
	}()
	address := strings.TrimSpace(r.PostFormValue("url"))
	var path, name string
	switch file, header, err := r.FormFile("file"); {
	case err == nil:
		defer file.Close()
		name = filepath.Base(header.Filename)
		if !utf8.ValidString(name) || name == "." || name == "/" {
			name = "upload"
		}
		tmp, err := os.CreateTemp("", "sahafa-import-*"+filepath.Ext(name))
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		path = tmp.Name()
		_, err = io.Copy(tmp, file)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			h.fail(w, r.Request, r, fmt.Errorf("keep the uploaded file: %w", err))
			return
		}
	case address != "":
		if !strings.HasPrefix(address, "https://") && !strings.HasPrefix(address, "http://") {
			h.renderImports(w, r, statusInvalid, mapText, news.FieldErrors{"url": "اكتب عنوان الصفحة كاملًا يبدأ بـ https://"})
			return
		}
		path, name = address, address
	default:
		h.renderImports(w, r, statusInvalid, mapText, news.FieldErrors{"file": "اختر ملفًا لاستيراده أو اكتب عنوان صفحة"})
		return
	}
	job, err := h.opts.Store.CreateImportJob(r.Context(), news.ImportJob{Name: name, UserID: r.user.ID, UserName: r.user.Name})
	if err != nil {
		if path != address {
			os.Remove(path)
		}
		h.fail(w, r.Request, r, err)
		return
	}
	started = true
	h.log.InfoContext(r.Context(), "newsroom: import started", "job", job.ID, "name", name, "user", r.user.ID)
	go h.runImport(job, path, path != address, sectionMap)
	http.Redirect(w, r.Request, fmt.Sprintf("%simport/%d", Prefix, job.ID), http.StatusSeeOther)
}

// runImport runs a job to its end, saving its progress lines as they come.
func (h *Handler) runImport(job news.ImportJob, path string, remove bool, sectionMap map[string]string) {
	defer h.importing.Store(false)
	if remove {
		defer os.Remove(path)
	}
	ctx := h.opts.Background
	if ctx == nil {
		ctx = context.Background()
	}
	save := func(j news.ImportJob) {
		// The job's page must still tell what became of it when the
		// server is stopping.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := h.opts.Store.UpdateImportJob(sctx, j); err != nil {
			h.log.Error("newsroom: saving an import job", "job", j.ID, "err", err)
		}
	}
	pw := &progressLines{save: func(line string) {
		j := job
		j.Progress = line
		save(j)
	}}
	// Saved every few seconds whatever the import says, so that a job no
	// server saves any more is known to have stopped (ImportJobStale).
	beat := time.NewTicker(ImportHeartbeat)
	stopBeat := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopBeat:
				return
			case <-beat.C:
				j := job
				j.Progress = pw.last()
				save(j)
			}
		}
	}()
	summary, err := h.opts.Import(ctx, path, job.Name, sectionMap, pw)
	beat.Stop()
	close(stopBeat)
	job.Progress, job.Summary, job.FinishedAt, job.State = pw.last(), summary, time.Now(), news.JobDone
	if err != nil {
		job.State, job.Problem = news.JobFailed, err.Error()
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			job.Problem = ImportStopped
		}
	}
	save(job)
	h.log.Info("newsroom: import ended", "job", job.ID, "state", job.State, "err", err)
}

// progressLines keeps the last line of a progress meter (its lines end
// in \n, or \r on a terminal) and saves it at most once a second.
type progressLines struct {
	save  func(line string)
	mu    sync.Mutex
	buf   []byte
	line  string
	saved time.Time
}

func (p *progressLines) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := strings.IndexAny(string(p.buf), "\r\n")
		if i < 0 {
			break
		}
		if l := strings.TrimSpace(string(p.buf[:i])); l != "" {
			p.line = l
		}
		p.buf = p.buf[i+1:]
	}
	if len(p.buf) > 4096 {
		p.buf = p.buf[:0]
	}
	if p.line != "" && time.Since(p.saved) >= time.Second {
		p.saved = time.Now()
		p.save(p.line)
	}
	return len(b), nil
}

func (p *progressLines) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.line
}

// parseSectionMap reads the form's map: one "FROM=TO" a line.
func parseSectionMap(text string) (map[string]string, string) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		from, to, ok := strings.Cut(line, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" {
			return nil, fmt.Sprintf("السطر %s: اكتب القسم في الملف ثم = ثم قسم الموقع، مثل «تقارير مصرية=مصر»", strconv.Itoa(i+1))
		}
		out[from] = to
	}
	return out, ""
}
