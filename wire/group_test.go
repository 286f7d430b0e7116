package wire_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/wire"
)

func rss(items ...[3]string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><language>ar</language>`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><description>%s</description></item>", it[0], it[1], it[2])
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

func TestGrouping(t *testing.T) { teststores.Each(t, testGrouping) }

// testGrouping: two agencies' takes on the same two events are grouped,
// a third story that shares their common words ("وزير الخارجية") is not,
// the grouped queue lists each group once by its newest story, and a new
// version of a grouped story stays in its group.
func testGrouping(t *testing.T, open teststores.OpenFunc) {
	st := open(t)
	ctx := context.Background()
	ag, srv := newAgency(t)
	ag.set("/a", rss(
		[3]string{"a-1", "وزراء الخارجية العرب يجتمعون في القاهرة لبحث الأزمة في السودان",
			"عقد وزراء الخارجية العرب اجتماعا طارئا في مقر الجامعة العربية بالقاهرة اليوم لبحث تطورات الأزمة في السودان ووقف القتال في الخرطوم ودارفور."},
		[3]string{"a-2", "ارتفاع أسعار النفط بعد قرار أوبك خفض الإنتاج",
			"ارتفعت أسعار خام برنت بأكثر من ثلاثة في المئة بعد أن قررت منظمة أوبك وحلفاؤها خفض الإنتاج مليون برميل يوميا اعتبارا من الشهر المقبل."},
	))
	ag.set("/b", rss(
		[3]string{"b-1", "اجتماع طارئ لوزراء الخارجية العرب بالقاهرة حول السودان",
			"بحث وزراء الخارجية العرب في اجتماع طارئ بمقر الجامعة العربية في القاهرة سبل وقف القتال في السودان، وخاصة في الخرطوم ودارفور."},
		[3]string{"b-2", "أوبك وحلفاؤها تقرر خفض الإنتاج وأسعار النفط ترتفع",
			"قررت منظمة أوبك وحلفاؤها خفض الإنتاج بمقدار مليون برميل يوميا، فارتفعت أسعار خام برنت في التعاملات الآسيوية."},
		[3]string{"b-3", "وزير الخارجية السعودي يزور باريس لبحث التعاون الثقافي",
			"يبدأ وزير الخارجية السعودي زيارة إلى باريس يلتقي خلالها نظيره الفرنسي لبحث التعاون الثقافي وتبادل المعارض بين المتاحف."},
	))
	a := addSource(t, st, news.WireSource{Name: "الوكالة أ", Address: srv.URL + "/a"})
	b := addSource(t, st, news.WireSource{Name: "الوكالة ب", Address: srv.URL + "/b"})
	desk := wire.New(wire.Options{Store: st, AllowPrivate: true})
	if _, err := desk.PollNow(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := desk.PollNow(ctx, b.ID)
	if err != nil || rep.Stored != 3 || rep.Grouped != 2 {
		t.Fatalf("second agency: %+v, %v; want 3 stored, 2 grouped", rep, err)
	}
	all, _, _ := st.WireItems(ctx, news.WireFilter{Limit: 10})
	byGUID := map[string]news.WireItem{}
	for _, it := range all {
		byGUID[it.GUID] = it
	}
	if byGUID["b-1"].GroupID != byGUID["a-1"].GroupID || byGUID["b-2"].GroupID != byGUID["a-2"].GroupID {
		t.Errorf("the same events are not grouped: %+v", byGUID)
	}
	if g := byGUID["b-3"].GroupID; g == byGUID["a-1"].GroupID || g == byGUID["a-2"].GroupID || g != byGUID["b-3"].ID {
		t.Errorf("an unrelated story joined a group: %d", g)
	}
	grouped, total, err := st.WireItems(ctx, news.WireFilter{Grouped: true, Limit: 10})
	if err != nil || total != 3 || len(grouped) != 3 {
		t.Fatalf("grouped queue: %d of %d, %v", len(grouped), total, err)
	}
	for _, it := range grouped {
		if it.SourceID != b.ID {
			t.Errorf("the grouped queue lists %s, not the group's newest story", it.GUID)
		}
		if want := map[string]int{"b-1": 2, "b-2": 2, "b-3": 1}[it.GUID]; it.GroupSize != want {
			t.Errorf("%s: group of %d, want %d", it.GUID, it.GroupSize, want)
		}
	}
	members, err := st.WireGroup(ctx, byGUID["a-1"].GroupID)
	if err != nil || len(members) != 2 || members[0].GUID != "b-1" {
		t.Errorf("the group: %+v, %v", members, err)
	}
	// Agency A updates its story: it stays in the group and heads it.
	ag.set("/a", rss([3]string{"a-1", "تحديث: وزراء الخارجية العرب يطالبون بوقف فوري للقتال في السودان",
		"طالب وزراء الخارجية العرب في ختام اجتماعهم الطارئ بالقاهرة بوقف فوري لإطلاق النار في السودان."}))
	if rep, err := desk.PollNow(ctx, a.ID); err != nil || rep.Stored != 1 {
		t.Fatalf("update: %+v, %v", rep, err)
	}
	grouped, total, _ = st.WireItems(ctx, news.WireFilter{Grouped: true, Limit: 10})
	if total != 3 || grouped[0].GUID != "a-1" || grouped[0].Version != 2 || grouped[0].GroupSize != 2 || grouped[0].GroupID != byGUID["a-1"].GroupID {
		t.Errorf("after the update: %+v", grouped[0])
	}
	// Deleting agency B leaves agency A's stories heading their groups.
	if err := st.DeleteWireSource(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := st.WireItems(ctx, news.WireFilter{Grouped: true, Limit: 10}); total != 2 {
		t.Errorf("after deleting a source the grouped queue has %d stories, want 2", total)
	}
}
