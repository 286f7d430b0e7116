package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// parseNewsML reads a NewsML-G2 newsItem, or a newsMessage of several
// (read one item at a time).
func parseNewsML(data []byte) ([]Item, []*Error, error) {
	var items []Item
	var skipped []*Error
	i := 0
	take := func(n *node) error {
		i++
		if i > MaxItems {
			return &Error{Message: fmt.Sprintf("الرسالة فيها أكثر من %d خبر", MaxItems)}
		}
		switch n.name {
		case "newsItem":
		case "packageItem":
			skipped = append(skipped, &Error{Item: itemRef(n, i-1), Message: "حزمة (packageItem) لا تحمل نصًّا"})
			return nil
		default:
			skipped = append(skipped, &Error{Item: itemRef(n, i-1), Message: fmt.Sprintf("<%s> ليس خبرًا", clip(n.name, 40))})
			return nil
		}
		it, problem := newsItem(n)
		if problem == "" {
			it.tidy()
			problem = it.problem()
		}
		if problem != "" {
			skipped = append(skipped, &Error{Item: itemRef(n, i-1), Message: problem})
			return nil
		}
		items = append(items, it)
		return nil
	}
	inItemSet := func(ancestors []string, _ string) bool {
		return len(ancestors) == 2 && ancestors[0] == "newsMessage" && ancestors[1] == "itemSet"
	}
	root, err := parseXMLUnits(data, inItemSet, take)
	if err != nil {
		return nil, nil, err
	}
	switch root.name {
	case "newsItem":
		if err := take(root); err != nil {
			return nil, nil, err
		}
		if len(items) == 0 {
			return nil, nil, skipped[0] // a file of one unusable item is refused whole
		}
	case "newsMessage":
		if root.child("itemSet") == nil {
			return nil, nil, &Error{Message: "رسالة NewsML-G2 بلا itemSet"}
		}
	case "packageItem":
		return nil, nil, &Error{Message: "الملف حزمة (packageItem) تسرد أخبارًا أخرى ولا تحمل نصًّا؛ الأخبار نفسها تصل في ملفاتها"}
	case "contentSet", "contentMeta", "itemMeta":
		return nil, nil, &Error{Message: fmt.Sprintf("الملف جزء <%s> من خبر وليس خبرًا كاملًا (newsItem)", root.name)}
	default:
		return nil, nil, &Error{Message: fmt.Sprintf("العنصر <%s> ليس خبرًا (newsItem) ولا رسالة (newsMessage)", clip(root.name, 40))}
	}
	return items, skipped, nil
}

func itemRef(n *node, i int) string {
	if g := n.attr("guid"); g != "" {
		return clip(g, 80)
	}
	return fmt.Sprintf("رقم %d", i+1)
}

// newsItem reads one newsItem; problem says why it cannot be queued.
func newsItem(n *node) (Item, string) {
	it := Item{GUID: n.attr("guid"), Language: n.attr("lang")}
	it.Version, _ = strconv.Atoi(strings.TrimSpace(n.attr("version")))
	meta := n.child("itemMeta")
	if class := qcodeValue(meta.child("itemClass")); class != "" && class != "text" && class != "composite" {
		return it, fmt.Sprintf("خبر من نوع %q بلا نص (صورة أو فيديو أو صوت): يصل النص في خبر آخر", class)
	}
	it.VersionCreated = parseTime(meta.child("versionCreated").textOf())
	it.FirstCreated = parseTime(meta.child("firstCreated").textOf())
	it.Embargo = parseTime(meta.child("embargoed").textOf())
	switch qcodeValue(meta.child("pubStatus")) {
	case "withheld":
		it.Status = StatusWithheld
	case "canceled", "cancelled":
		it.Status = StatusCanceled
	}
	for _, s := range meta.children("signal") {
		switch qcodeValue(s) {
		case "update":
			it.Signal = SignalUpdate
		case "correction", "corrected":
			it.Signal = SignalCorrection
		}
	}
	if p := meta.child("provider"); p != nil {
		it.Provider = nameOrCode(p)
	}

	cm := n.child("contentMeta")
	if lang := cm.child("language"); lang != nil && lang.attr("tag") != "" {
		it.Language = lang.attr("tag")
	}
	it.Urgency, _ = strconv.Atoi(cm.child("urgency").textOf())
	it.Headline = cm.child("headline").textOf()
	it.Slugline = cm.child("slugline").textOf()
	it.Summary = cm.child("description").textOf()
	it.Byline = cm.child("by").textOf()
	if it.Byline == "" {
		var names []string
		for _, c := range cm.children("creator") {
			if name := c.child("name").textOf(); name != "" {
				names = append(names, name)
			}
		}
		it.Byline = strings.Join(names, "، ")
	}
	it.Dateline = cm.child("dateline").textOf()
	if it.Dateline == "" {
		it.Dateline = cm.child("located").child("name").textOf()
	}
	if it.FirstCreated.IsZero() {
		it.FirstCreated = parseTime(cm.child("contentCreated").textOf())
	}
	for _, s := range cm.children("subject") {
		if name := s.child("name").textOf(); name != "" {
			it.Subjects = append(it.Subjects, name)
		}
	}

	for _, c := range n.children("contentSet") {
		if it.Body != "" {
			break
		}
		contentSet(&it, c)
	}
	return it, ""
}

// contentSet reads an item's text from the first of its renditions that
// carries one.
func contentSet(it *Item, set *node) {
	for _, c := range set.kids {
		if it.Body != "" {
			break
		}
		switch c.name {
		case "inlineXML":
			if nitf := c.find("nitf"); nitf != nil {
				fromNITF(it, nitf)
			} else if body := c.find("body"); body != nil {
				it.Body = cleanBody(xmlBodyHTML(body))
			} else if c.find("html") == nil {
				it.Body = cleanBody(xmlBodyHTML(c))
			}
		case "inlineData":
			if ct := c.attr("contenttype"); strings.Contains(ct, "html") {
				it.Body = cleanBody(c.textOf())
			} else {
				it.Body = plainParagraphs(rawText(c))
			}
		}
	}
}

// rawText is an element's text with its line breaks kept.
func rawText(n *node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	n.collect(&b)
	return b.String()
}

// qcodeValue is the code of a qcode attribute without its scheme:
// "stat:usable" gives "usable", "ninat:text" gives "text".
func qcodeValue(n *node) string {
	if n == nil {
		return ""
	}
	q := n.attr("qcode")
	if i := strings.LastIndexByte(q, ':'); i >= 0 {
		q = q[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(q))
}

func nameOrCode(n *node) string {
	if name := n.child("name").textOf(); name != "" {
		return name
	}
	return qcodeValue(n)
}

// fromNITF fills it from an NITF document (standalone or inside a
// NewsML-G2 item), keeping what the item already has.
func fromNITF(it *Item, nitf *node) {
	head := nitf.child("head")
	bodyHead := nitf.path("body", "body.head")
	if it.Headline == "" {
		it.Headline = bodyHead.path("hedline", "hl1").textOf()
	}
	if it.Headline == "" {
		it.Headline = head.child("title").textOf()
	}
	if it.Summary == "" {
		it.Summary = bodyHead.child("abstract").textOf()
	}
	if it.Summary == "" {
		it.Summary = bodyHead.path("hedline", "hl2").textOf()
	}
	if it.Byline == "" {
		if by := bodyHead.child("byline"); by != nil {
			it.Byline = bylineText(by)
		}
	}
	if it.Dateline == "" {
		dl := bodyHead.child("dateline")
		if city := dl.find("city"); city != nil {
			it.Dateline = city.textOf()
		} else if loc := dl.child("location"); loc != nil {
			it.Dateline = loc.textOf()
		} else {
			it.Dateline = dl.textOf()
		}
	}
	if it.Language == "" {
		it.Language = nitf.attr("lang")
	}
	docdata := head.child("docdata")
	if it.GUID == "" {
		it.GUID = docdata.child("doc-id").attr("id-string")
	}
	if it.Urgency == 0 {
		it.Urgency, _ = strconv.Atoi(strings.TrimSpace(docdata.child("urgency").attr("ed-urg")))
	}
	if it.FirstCreated.IsZero() {
		it.FirstCreated = parseTime(docdata.child("date.issue").attr("norm"))
	}
	if it.Embargo.IsZero() {
		it.Embargo = parseTime(docdata.child("date.release").attr("norm"))
	}
	if it.Version == 0 {
		it.Version, _ = strconv.Atoi(strings.TrimSpace(docdata.child("du-key").attr("version")))
	}
	if it.Subjects == nil {
		for _, s := range head.path("tobject").children("tobject.subject") {
			if m := s.attr("tobject.subject.matter"); m != "" {
				it.Subjects = append(it.Subjects, m)
			} else if t := s.attr("tobject.subject.type"); t != "" {
				it.Subjects = append(it.Subjects, t)
			}
		}
	}
	for _, k := range docdata.children("key-list") {
		for _, kw := range k.children("keyword") {
			if v := kw.attr("key"); v != "" {
				it.Subjects = append(it.Subjects, v)
			}
		}
	}
	if it.Body == "" {
		if content := nitf.path("body", "body.content"); content != nil {
			it.Body = cleanBody(xmlBodyHTML(content))
		}
	}
}

// bylineText is an NITF byline without its title element ("Staff
// Reporter") unless that is all there is ("Sports Network").
func bylineText(by *node) string {
	var b strings.Builder
	for _, k := range by.kids {
		if k.name == "byttl" {
			continue
		}
		k.collect(&b)
	}
	text := strings.Trim(strings.Join(strings.Fields(b.String()), " "), " ,،")
	if text == "" {
		text = by.textOf()
	}
	return strings.TrimPrefix(strings.TrimPrefix(text, "By "), "by ")
}

// parseNITF reads a standalone NITF document.
func parseNITF(data []byte) ([]Item, []*Error, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, nil, err
	}
	if root.name != "nitf" {
		return nil, nil, &Error{Message: fmt.Sprintf("العنصر الأول <%s> وليس <nitf>", clip(root.name, 40))}
	}
	var it Item
	fromNITF(&it, root)
	it.tidy()
	if p := it.problem(); p != "" {
		return nil, nil, &Error{Message: p}
	}
	return []Item{it}, nil, nil
}
