package newsroom_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sahafa/store/teststores"
)

// TestTextDigitsSetting: the settings form offers text_digits, off until
// saved on; a form without it (from before the setting) saves it off, and
// a value other than true or false is refused.
func TestTextDigitsSetting(t *testing.T) {
	e := newEnv(t, teststores.SQLite)
	admin := e.as("admin")
	page := admin.get("/newsroom/settings")
	if !strings.Contains(page.body, `name="text_digits" value="false" checked`) {
		t.Errorf("text digits are not off by default:\n%s", fieldHTML(page.body, `name="text_digits"`))
	}
	form := url.Values{"site_name": {"صحافة"}, "digits": {"arabic"}, "hijri": {"false"}, "feed_content": {"full"}, "text_digits": {"true"}}
	if res := admin.post("/newsroom/settings", form); res.status != http.StatusSeeOther {
		t.Fatalf("saving text digits: %d %q", res.status, res.errors())
	}
	if saved, _ := e.store.Settings(context.Background()); saved["text_digits"] != "true" {
		t.Errorf("saved text_digits = %q", saved["text_digits"])
	}
	page = admin.get("/newsroom/settings")
	if !strings.Contains(page.body, `name="text_digits" value="true" checked`) {
		t.Errorf("the saved choice is not checked:\n%s", fieldHTML(page.body, `name="text_digits"`))
	}

	form.Del("text_digits")
	if res := admin.post("/newsroom/settings", form); res.status != http.StatusSeeOther {
		t.Fatalf("saving a form without text digits: %d %q", res.status, res.errors())
	}
	if saved, _ := e.store.Settings(context.Background()); saved["text_digits"] != "false" {
		t.Errorf("text_digits after a form without it = %q", saved["text_digits"])
	}

	form.Set("text_digits", "yes")
	if res := admin.post("/newsroom/settings", form); res.status != http.StatusUnprocessableEntity || len(res.errors()) == 0 {
		t.Errorf("text_digits=yes: %d %q", res.status, res.errors())
	}
}
