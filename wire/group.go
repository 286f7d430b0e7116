package wire

import (
	"context"
	"math"
	"strings"
	"time"

	"sahafa/ingest"
	"sahafa/news"
)

// Grouping puts the same story from several sources together: a new story
// joins the group of the most alike story of another source received in
// the window before it, when their leads (headline and first words, as
// analyzed terms) share enough rare terms.
const (
	groupWindow    = 48 * time.Hour
	groupRecent    = 20_000 // stories compared at most
	groupThreshold = 0.22   // weighted Jaccard of the leads
	leadWords      = 40
)

// leadTerms is the lead of an item: its headline's and first body words'
// terms, each once.
func leadTerms(it ingest.Item) string {
	words := strings.Fields(ingest.Text(it.Body))
	if len(words) > leadWords {
		words = words[:leadWords]
	}
	return Terms(it.Headline + " " + strings.Join(words, " "))
}

// group groups the new stories among added (versions of known stories
// stay in their group) and returns how many joined another's group.
func (d *Desk) group(ctx context.Context, added []news.WireItem) (int, error) {
	var fresh []news.WireItem
	for _, it := range added {
		if it.GroupID == it.ID && it.Latest && it.Lead != "" {
			fresh = append(fresh, it)
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	recent, err := d.opts.Store.WireRecent(ctx, d.opts.Now().Add(-groupWindow), groupRecent)
	if err != nil {
		return 0, err
	}
	sources := map[int64]bool{}
	for _, r := range recent {
		sources[r.SourceID] = true
	}
	if len(sources) < 2 {
		return 0, nil // one source: nothing to group across
	}
	index := map[string][]int32{} // term → positions in recent
	terms := make([][]string, len(recent))
	pos := make(map[int64]int, len(recent))
	for i, r := range recent {
		terms[i] = strings.Fields(r.Lead)
		pos[r.ID] = i
		for _, t := range terms[i] {
			index[t] = append(index[t], int32(i))
		}
	}
	n := float64(len(recent))
	weights := make(map[string]float64, len(index))
	for t, list := range index {
		weights[t] = math.Log(1 + n/float64(len(list)))
	}
	total := make([]float64, len(recent)) // each lead's weight
	for i, ts := range terms {
		for _, t := range ts {
			total[i] += weights[t]
		}
	}
	// Terms in more than one lead in two hundred are not looked up: they
	// weigh little and would make every lookup long.
	common := max(20, len(recent)/200)
	shared := make([]float64, len(recent))
	var touched []int32
	moves := map[int64]int64{}
	for _, f := range fresh {
		i, ok := pos[f.ID]
		if !ok {
			continue
		}
		touched = touched[:0]
		for _, t := range terms[i] {
			list := index[t]
			if len(list) > common {
				continue
			}
			w := weights[t]
			for _, j := range list {
				if recent[j].SourceID != f.SourceID && recent[j].ID < f.ID {
					if shared[j] == 0 {
						touched = append(touched, j)
					}
					shared[j] += w
				}
			}
		}
		best, bestScore := int32(-1), 0.0
		for _, j := range touched {
			if score := shared[j] / (total[i] + total[j] - shared[j]); score > bestScore || (score == bestScore && j < best) {
				best, bestScore = j, score
			}
			shared[j] = 0
		}
		if best < 0 || bestScore < groupThreshold {
			continue
		}
		recent[i].GroupID = recent[best].GroupID
		moves[f.ID] = recent[i].GroupID
	}
	if len(moves) == 0 {
		return 0, nil
	}
	if err := d.opts.Store.SetWireGroups(ctx, moves); err != nil {
		return 0, err
	}
	return len(moves), nil
}
