package ingest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sahafa/ingest"
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseOne(t *testing.T, name string) ingest.Item {
	t.Helper()
	items, skipped, err := ingest.Parse(ingest.FormatAuto, read(t, filepath.Join("testdata", name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(items) != 1 {
		t.Fatalf("%s: %d items (skipped %v), want 1", name, len(items), skipped)
	}
	return items[0]
}

// TestArabicNewsML: an Arabic NewsML-G2 item with inline NITF gives every
// field the desk shows, a body without the media reference, and safe HTML.
func TestArabicNewsML(t *testing.T) {
	it := parseOne(t, "ar-newsml.xml")
	if it.GUID != "urn:newsml:wakala.example:20261204:port-strike" || it.Version != 1 {
		t.Errorf("guid %q version %d", it.GUID, it.Version)
	}
	if it.Headline != "إضراب عمال ميناء الإسكندرية يدخل يومه الثالث" || it.Language != "ar" || it.Urgency != 2 {
		t.Errorf("headline %q language %q urgency %d", it.Headline, it.Language, it.Urgency)
	}
	if it.Byline != "سلمى عبد الحميد" || it.Dateline != "الإسكندرية (وكالة المثال)" || it.Slugline != "مصر-موانئ-إضراب" {
		t.Errorf("byline %q dateline %q slugline %q", it.Byline, it.Dateline, it.Slugline)
	}
	if want := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC); !it.Embargo.Equal(want) {
		t.Errorf("embargo %v, want %v", it.Embargo, want)
	}
	if want := time.Date(2026, 12, 4, 6, 15, 0, 0, time.UTC); !it.VersionCreated.Equal(want) {
		t.Errorf("version created %v, want %v", it.VersionCreated, want)
	}
	if len(it.Subjects) != 2 || it.Subjects[1] != "سوق العمل" {
		t.Errorf("subjects %q", it.Subjects)
	}
	if it.Provider != "وكالة الأنباء المثال" || it.Status != ingest.StatusUsable || it.Signal != "" {
		t.Errorf("provider %q status %q signal %q", it.Provider, it.Status, it.Signal)
	}
	for _, want := range []string{"دخل إضراب عمال الشحن", "<strong>حركة السفن</strong>", `href="https://wakala.example/port"`, "20% في الأجور"} {
		if !strings.Contains(it.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, it.Body)
		}
	}
	if strings.Contains(it.Body, "port.jpg") || strings.Count(it.Body, "</p>") != 3 {
		t.Errorf("body should have three paragraphs and no media:\n%s", it.Body)
	}
}

// TestNewsMessageCorrection: a message's text item is read as a
// correction, its picture item is skipped with the reason.
func TestNewsMessageCorrection(t *testing.T) {
	items, skipped, err := ingest.Parse(ingest.FormatAuto, read(t, "testdata/ar-newsml-correction.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || len(skipped) != 1 {
		t.Fatalf("%d items, skipped %v", len(items), skipped)
	}
	it := items[0]
	if it.Version != 2 || it.Signal != ingest.SignalCorrection || it.Urgency != 3 {
		t.Errorf("version %d signal %q urgency %d", it.Version, it.Signal, it.Urgency)
	}
	if strings.Count(it.Body, "</p>") != 2 || !strings.Contains(it.Body, "16 سفينة") {
		t.Errorf("plain text body should give two paragraphs: %s", it.Body)
	}
	if skipped[0].Item != "urn:newsml:wakala.example:20261204:port-photo" || !strings.Contains(skipped[0].Error(), "picture") {
		t.Errorf("skipped: %v", skipped[0])
	}
}

func TestArabicNITF(t *testing.T) {
	it := parseOne(t, "ar-nitf.xml")
	if it.GUID != "wakala-20261204-weather-01" || it.Version != 3 || it.Urgency != 4 || it.Language != "ar" {
		t.Errorf("guid %q version %d urgency %d language %q", it.GUID, it.Version, it.Urgency, it.Language)
	}
	if it.Byline != "كريم منصور" || it.Dateline != "بيروت" || it.Summary != "توقعات بهطول ما يصل إلى 60 ملم خلال 24 ساعة." {
		t.Errorf("byline %q dateline %q summary %q", it.Byline, it.Dateline, it.Summary)
	}
	if len(it.Subjects) != 1 || it.Subjects[0] != "طقس" || strings.Count(it.Body, "</p>") != 2 {
		t.Errorf("subjects %q body %s", it.Subjects, it.Body)
	}
	if want := time.Date(2026, 12, 4, 5, 15, 0, 0, time.UTC); !it.FirstCreated.Equal(want) {
		t.Errorf("first created %v, want %v", it.FirstCreated, want)
	}
}

// TestArabicNinjs: ninjs 2's lists of headlines and bodies; the HTML body
// loses its script and picture.
func TestArabicNinjs(t *testing.T) {
	it := parseOne(t, "ar-ninjs.json")
	if it.GUID != "https://wakala.example/ninjs/2026/12/04/budget" || it.Version != 2 || it.Urgency != 3 {
		t.Errorf("guid %q version %d urgency %d", it.GUID, it.Version, it.Urgency)
	}
	if it.Headline != "البرلمان يقر موازنة العام المقبل بعجز أقل" || it.Byline != "نادية الشريف" || it.Dateline != "عمّان" {
		t.Errorf("headline %q byline %q dateline %q", it.Headline, it.Byline, it.Dateline)
	}
	if it.Signal != ingest.SignalUpdate || len(it.Subjects) != 2 || it.Summary == "" {
		t.Errorf("signal %q subjects %q summary %q", it.Signal, it.Subjects, it.Summary)
	}
	if strings.Contains(it.Body, "script") || strings.Contains(it.Body, "alert") || strings.Contains(it.Body, "<img") || !strings.Contains(it.Body, "3.1%") {
		t.Errorf("body not cleaned: %s", it.Body)
	}
}

// TestArabicFeeds: RSS (with content:encoded), Atom and JSON Feed; an RSS
// item with neither title nor text is skipped, not the feed.
func TestArabicFeeds(t *testing.T) {
	items, skipped, err := ingest.Parse(ingest.FormatAuto, read(t, "testdata/ar-rss.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || len(skipped) != 1 || skipped[0].Item != "partner-77122" {
		t.Fatalf("rss: %d items, skipped %v", len(items), skipped)
	}
	rss := items[0]
	if rss.GUID != "partner-77121" || rss.Byline != "هالة يوسف" || rss.Language != "ar" || rss.Link != "https://partner.example/2026/12/04/book-fair" {
		t.Errorf("rss item %+v", rss)
	}
	if strings.Contains(rss.Body, "onclick") || strings.Count(rss.Body, "</p>") != 2 || rss.Summary != "يفتتح المعرض أبوابه للجمهور غدًا." {
		t.Errorf("rss body %s summary %q", rss.Body, rss.Summary)
	}
	atom := parseOne(t, "ar-atom.xml")
	if atom.GUID != "tag:ministry.example,2026:statement-512" || atom.Subjects[0] != "تعليم" || atom.Language != "ar" ||
		!strings.Contains(atom.Body, "العاشر من يناير") || atom.Link != "https://ministry.example/statements/512" {
		t.Errorf("atom item %+v", atom)
	}
	jf := parseOne(t, "ar-jsonfeed.json")
	if jf.GUID != "jf-1" || jf.Byline != "يوسف الخطيب" || strings.Count(jf.Body, "</p>") != 2 || jf.Language != "ar" {
		t.Errorf("json feed item %+v", jf)
	}
}

// TestIPTCSamples: each of IPTC's own examples parses into items with
// their headline and text, or is refused with a reason.
func TestIPTCSamples(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "samples", "wire", "newsml-g2")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		t.Skip("../shared/samples/wire/newsml-g2 is absent: skipping the IPTC samples")
	}
	want := map[string]string{ // file: a headline, or the refusal's words
		"LISTING_1_A_NewsML-G2_News_Item.xml":                               `Fed to halt QE to avert "bubble"`,
		"LISTING_2_NewsML-G2_Text_Document.xml":                             `Fed to halt QE to avert "bubble"`,
		"LISTING_22_Sports_story_in_NewsML-G2NITF.xml":                      "Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05 p.m.",
		"LISTING_24_News_Message_conveying_a_complete_News_Package.xml":     "!الخبر رقم 1: حزمة (packageItem)",
		"LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml":    "!contentSet",
		"LISTING_26_Embedded_photo_metadata_fields_mapped_to_NewsML-G2.xml": "!picture",
		"LISTING_28_Illustrating_Located_Subject_and_Dateline.xml":          "!contentMeta",
		"LISTING_29_Hop_History.xml":                                        "!بلا عنوان ولا نص",
		"LISTING_3_Photo_in_NewsML-G2.xml":                                  "!picture",
		"LISTING_6_Simple_NewsML-G2_Package.xml":                            "!packageItem",
		"ap_metadata_example.xml":                                           "!video",
	}
	for _, f := range files {
		name := filepath.Base(f)
		expect, ok := want[name]
		if !ok {
			t.Errorf("%s: a new sample; say what it gives", name)
			continue
		}
		items, skipped, err := ingest.Parse(ingest.FormatAuto, read(t, f))
		if refusal, refused := strings.CutPrefix(expect, "!"); refused {
			msg := ""
			if err != nil {
				msg = err.Error()
			} else if len(items) == 0 && len(skipped) > 0 {
				msg = skipped[0].Error()
			} else {
				t.Errorf("%s: gave %d items, want a refusal", name, len(items))
				continue
			}
			if !strings.Contains(msg, refusal) {
				t.Errorf("%s: refused with %q, want it to say %q", name, msg, refusal)
			}
			continue
		}
		if err != nil || len(items) != 1 {
			t.Errorf("%s: %d items, %v", name, len(items), err)
			continue
		}
		it := items[0]
		if it.Headline != expect || it.GUID == "" || it.Version != 11 || it.Language == "" || it.VersionCreated.IsZero() {
			t.Errorf("%s: %+v", name, it)
		}
	}
	// The text items carry what the desk lists.
	it := mustOne(t, filepath.Join(dir, "LISTING_2_NewsML-G2_Text_Document.xml"))
	if it.Byline != "Meredith Jameson" || it.Dateline != "New York, NY" || len(it.Subjects) != 3 || strings.Count(it.Body, "</p>") != 2 {
		t.Errorf("listing 2: byline %q dateline %q subjects %q body %s", it.Byline, it.Dateline, it.Subjects, it.Body)
	}
	it = mustOne(t, filepath.Join(dir, "LISTING_1_A_NewsML-G2_News_Item.xml"))
	if it.Signal != ingest.SignalUpdate || it.Embargo.IsZero() || it.Body != "" || it.Dateline != "Berlin" {
		t.Errorf("listing 1: signal %q embargo %v body %q dateline %q", it.Signal, it.Embargo, it.Body, it.Dateline)
	}
	it = mustOne(t, filepath.Join(dir, "LISTING_22_Sports_story_in_NewsML-G2NITF.xml"))
	if it.Summary == "" || it.Body == "" || it.Byline == "" {
		t.Errorf("listing 22: summary %q byline %q body %q", it.Summary, it.Byline, it.Body)
	}
}

func mustOne(t *testing.T, path string) ingest.Item {
	t.Helper()
	items, _, err := ingest.Parse(ingest.FormatAuto, read(t, path))
	if err != nil || len(items) != 1 {
		t.Fatalf("%s: %v", path, err)
	}
	return items[0]
}

// TestRefusals: a broken file is refused with its line, other shapes with
// what they are.
func TestRefusals(t *testing.T) {
	_, _, err := ingest.Parse(ingest.FormatAuto, read(t, "testdata/malformed.xml"))
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Line != 6 {
		t.Errorf("malformed.xml: %v, want an error on line 6 (where the broken tag is found)", err)
	}
	cases := map[string]string{
		"":                                     "فارغ",
		"<html><body></body></html>":           "<html>",
		"{\"uri\": 5}":                         "uri",
		"[{\"uri\":\"a\"},\n{":                 "السطر 2",
		"plain words":                          "ليس ملف XML ولا JSON",
		"{\"uri\":\"x\",\"type\":\"picture\"}": "picture",
	}
	for in, want := range cases {
		_, _, err := ingest.Parse(ingest.FormatAuto, []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want it to say %q", in, err, want)
		}
	}
	if _, _, err := ingest.Parse(ingest.FormatNITF, read(t, "testdata/ar-rss.xml")); err == nil || !strings.Contains(err.Error(), "<rss>") {
		t.Errorf("rss read as NITF: %v", err)
	}
	deep := strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)
	if _, _, err := ingest.Parse(ingest.FormatNewsML, []byte(deep)); err == nil || !strings.Contains(err.Error(), "64") {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestFeedHub(t *testing.T) {
	if hub, _ := ingest.FeedHub(read(t, "testdata/ar-atom.xml")); hub != "https://hub.example/" {
		t.Errorf("atom hub %q", hub)
	}
	rss := `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
<atom:link rel="self" href="https://partner.example/feed/"/><atom:link rel="hub" href="https://hub.example/h"/><item><title>x</title></item></channel></rss>`
	if hub, self := ingest.FeedHub([]byte(rss)); hub != "https://hub.example/h" || self != "https://partner.example/feed/" {
		t.Errorf("rss hub %q self %q", hub, self)
	}
	if hub, _ := ingest.FeedHub(read(t, "testdata/ar-rss.xml")); hub != "" {
		t.Errorf("a feed with no hub gave %q", hub)
	}
}
