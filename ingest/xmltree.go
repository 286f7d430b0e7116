package ingest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// node is an element of a parsed XML document, or a text run (name "").
// Wire formats are read as a tree rather than into structs because the
// same element (a headline, a byline) sits at different depths in
// different agencies' files, and NITF bodies are mixed content whose order
// matters.
type node struct {
	name  string // local name; "" for text
	attrs []xml.Attr
	kids  []*node
	text  string
}

// Bounds on a document: far above any real news item, low enough that a
// hostile file cannot make the parser hold millions of nodes.
const (
	maxDepth = 64
	maxNodes = 200_000
)

// parseXML reads a whole document into a tree. Errors name the line.
func parseXML(data []byte) (*node, error) {
	return parseXMLUnits(data, nil, nil)
}

// parseXMLUnits reads a document, handing each element that isUnit picks
// (by the names of its ancestors and its own) to unit as a whole subtree
// and keeping it out of the tree returned: a message of 10,000 items is
// held one item at a time. The node bound applies to each unit and to
// what remains.
func parseXMLUnits(data []byte, isUnit func(ancestors []string, name string) bool, unit func(n *node) error) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = charset.NewReaderLabel
	root := &node{}
	stack := []*node{root}
	var names []string
	count := 0
	unitDepth := -1 // the depth of the unit being read, -1 when none
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			return nil, &Error{Line: line, Message: "ملف XML غير سليم: " + xmlProblem(err)}
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxNodes {
				line, _ := dec.InputPos()
				return nil, &Error{Line: line, Message: fmt.Sprintf("في الملف خبر فيه أكثر من %d عنصر", maxNodes)}
			}
			if len(stack) > maxDepth {
				line, _ := dec.InputPos()
				return nil, &Error{Line: line, Message: fmt.Sprintf("العناصر متداخلة أعمق من %d مستوى", maxDepth)}
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			if unitDepth < 0 && isUnit != nil && isUnit(names, n.name) {
				unitDepth, count = len(stack), 1
			} else {
				top.kids = append(top.kids, n)
			}
			stack = append(stack, n)
			names = append(names, n.name)
		case xml.EndElement:
			done := stack[len(stack)-1]
			stack, names = stack[:len(stack)-1], names[:len(names)-1]
			if len(stack) == unitDepth {
				unitDepth, count = -1, 0
				if err := unit(done); err != nil {
					return nil, err
				}
			}
		case xml.CharData:
			if len(top.kids) > 0 && top.kids[len(top.kids)-1].name == "" {
				top.kids[len(top.kids)-1].text += string(t)
			} else {
				top.kids = append(top.kids, &node{text: string(t)})
			}
		}
	}
	for _, k := range root.kids {
		if k.name != "" {
			return k, nil
		}
	}
	return nil, &Error{Line: 1, Message: "الملف لا يحوي عنصر XML"}
}

// xmlProblem words encoding/xml's error without its "XML syntax error on
// line N:" prefix (the line is reported apart).
func xmlProblem(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "XML syntax error") && i > 0 {
		msg = msg[i+2:]
	}
	return msg
}

func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// child is the first child element called name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// path follows child names down; nil when one is missing.
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// find is the first element called name at any depth (depth first).
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// textOf is the element's whole text, whitespace collapsed.
func (n *node) textOf() string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	n.collect(&b)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (n *node) collect(b *strings.Builder) {
	if n.name == "" {
		b.WriteString(n.text)
		return
	}
	for _, k := range n.kids {
		k.collect(b)
		if k.name != "" {
			b.WriteByte(' ') // elements separate words ("<hl1>..</hl1><hl2>..")
		}
	}
}
