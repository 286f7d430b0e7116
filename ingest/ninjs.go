package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ninjsItem holds the fields of ninjs 1.x and 2.x/3.x that the desk
// uses: 1.x has headline and body_text/body_html, 2.x and later lists
// headlines and bodies with roles and content types.
type ninjsItem struct {
	URI            string          `json:"uri"`
	GUID           string          `json:"guid"`
	Version        json.RawMessage `json:"version"`
	Type           string          `json:"type"`
	VersionCreated string          `json:"versioncreated"`
	FirstCreated   string          `json:"firstcreated"`
	Embargoed      string          `json:"embargoed"`
	PubStatus      string          `json:"pubstatus"`
	Urgency        json.RawMessage `json:"urgency"`
	Language       string          `json:"language"`
	Headline       string          `json:"headline"`
	Slugline       string          `json:"slugline"`
	Byline         string          `json:"byline"`
	By             string          `json:"by"`
	Located        string          `json:"located"`
	BodyText       string          `json:"body_text"`
	BodyHTML       string          `json:"body_html"`
	DescText       string          `json:"description_text"`
	DescHTML       string          `json:"description_html"`
	Signal         string          `json:"signal"`
	Headlines      []ninjsText     `json:"headlines"`
	Bodies         []ninjsText     `json:"bodies"`
	Descriptions   []ninjsText     `json:"descriptions"`
	Subject        []ninjsSubject  `json:"subject"`
	Subjects       []ninjsSubject  `json:"subjects"`
	Signals        []ninjsSubject  `json:"signals"`
	Place          []ninjsSubject  `json:"place"`
	Places         []ninjsSubject  `json:"places"`
	Info           []ninjsSubject  `json:"infosources"`
}

type ninjsText struct {
	Value       string `json:"value"`
	Role        string `json:"role"`
	ContentType string `json:"contenttype"`
}

type ninjsSubject struct {
	Name string `json:"name"`
	Code string `json:"code"`
	URI  string `json:"uri"`
}

// parseNinjs reads one ninjs object, an array of them, or an object
// whose "items" (or "data") is such an array.
func parseNinjs(data []byte) ([]Item, []*Error, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var raws []json.RawMessage
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, nil, jsonError(data, err)
		}
	} else {
		var wrapper struct {
			Items json.RawMessage `json:"items"`
			Data  json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &wrapper); err != nil {
			return nil, nil, jsonError(data, err)
		}
		list := wrapper.Items
		if list == nil {
			list = wrapper.Data
		}
		if list != nil {
			if err := json.Unmarshal(list, &raws); err != nil {
				return nil, nil, &Error{Message: "الحقل items ليس قائمة أخبار"}
			}
		} else {
			raws = []json.RawMessage{data}
		}
	}
	if len(raws) > MaxItems {
		return nil, nil, &Error{Message: fmt.Sprintf("الملف فيه %d خبر، والحد %d", len(raws), MaxItems)}
	}
	var items []Item
	var skipped []*Error
	for i, raw := range raws {
		var n ninjsItem
		if err := json.Unmarshal(raw, &n); err != nil {
			skipped = append(skipped, &Error{Item: fmt.Sprintf("رقم %d", i+1), Message: "ليس خبر ninjs: " + jsonProblem(err)})
			continue
		}
		it, problem := n.item()
		if problem == "" {
			it.tidy()
			problem = it.problem()
		}
		if problem != "" {
			ref := clip(it.GUID, 80)
			if ref == "" {
				ref = fmt.Sprintf("رقم %d", i+1)
			}
			skipped = append(skipped, &Error{Item: ref, Message: problem})
			continue
		}
		items = append(items, it)
	}
	if len(raws) == 1 && len(items) == 0 {
		return nil, nil, skipped[0]
	}
	return items, skipped, nil
}

func (n ninjsItem) item() (Item, string) {
	it := Item{GUID: n.URI, Language: n.Language, Headline: n.Headline, Slugline: n.Slugline,
		Byline: n.Byline, Dateline: n.Located, Signal: strings.ToLower(n.Signal)}
	if it.GUID == "" {
		it.GUID = n.GUID
	}
	if t := strings.ToLower(n.Type); t != "" && t != "text" && t != "composite" {
		return it, fmt.Sprintf("خبر من نوع %q بلا نص (صورة أو فيديو أو صوت): يصل النص في خبر آخر", clip(t, 30))
	}
	it.Version = jsonInt(n.Version)
	it.Urgency = jsonInt(n.Urgency)
	it.VersionCreated = parseTime(n.VersionCreated)
	it.FirstCreated = parseTime(n.FirstCreated)
	it.Embargo = parseTime(n.Embargoed)
	switch strings.ToLower(n.PubStatus) {
	case "withheld":
		it.Status = StatusWithheld
	case "canceled", "cancelled":
		it.Status = StatusCanceled
	}
	if it.Byline == "" {
		it.Byline = n.By
	}
	if it.Headline == "" {
		it.Headline = pickText(n.Headlines, "main")
	}
	it.Summary = n.DescText
	if it.Summary == "" && n.DescHTML != "" {
		it.Summary = textOfHTML(n.DescHTML)
	}
	if it.Summary == "" {
		it.Summary = pickText(n.Descriptions, "summary")
	}
	switch {
	case n.BodyHTML != "":
		it.Body = cleanBody(n.BodyHTML)
	case n.BodyText != "":
		it.Body = plainParagraphs(n.BodyText)
	default:
		for _, b := range n.Bodies {
			if strings.Contains(b.ContentType, "html") {
				it.Body = cleanBody(b.Value)
				break
			}
		}
		if it.Body == "" {
			if text := pickText(n.Bodies, ""); text != "" {
				it.Body = plainParagraphs(text)
			}
		}
	}
	for _, list := range [][]ninjsSubject{n.Subject, n.Subjects} {
		for _, s := range list {
			if s.Name != "" {
				it.Subjects = append(it.Subjects, s.Name)
			}
		}
	}
	for _, s := range n.Signals {
		switch v := strings.ToLower(s.Code + s.Name); {
		case strings.Contains(v, "correct"):
			it.Signal = SignalCorrection
		case strings.Contains(v, "update"):
			it.Signal = SignalUpdate
		}
	}
	if it.Dateline == "" {
		for _, p := range append(n.Place, n.Places...) {
			if p.Name != "" {
				it.Dateline = p.Name
				break
			}
		}
	}
	if len(n.Info) > 0 {
		it.Provider = n.Info[0].Name
	}
	return it, ""
}

// pickText is the value with role, else the first plain one.
func pickText(list []ninjsText, role string) string {
	for _, t := range list {
		if role != "" && t.Role == role {
			return t.Value
		}
	}
	for _, t := range list {
		if !strings.Contains(t.ContentType, "html") {
			return t.Value
		}
	}
	if len(list) > 0 {
		return textOfHTML(list[0].Value)
	}
	return ""
}

// jsonInt reads a number given as a number or as a string.
func jsonInt(raw json.RawMessage) int {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	n, _ := strconv.Atoi(s)
	return n
}

// jsonError places a JSON syntax error on its line.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Line: lineAt(data, se.Offset), Message: "ملف JSON غير سليم: " + se.Error()}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &Error{Line: lineAt(data, te.Offset), Message: "ملف JSON ليس خبر ninjs: " + jsonProblem(err)}
	}
	return &Error{Message: "ملف JSON غير سليم: " + jsonProblem(err)}
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("الحقل %q قيمته %s وكان المنتظر %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}
