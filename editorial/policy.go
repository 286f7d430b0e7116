// Package editorial is the newsroom's domain: who may do what to which
// article (the role policy, enforced here for every action, whatever the
// caller), the workflow from draft to publication and back, edits that
// keep revisions, corrections, comparing and restoring revisions, and the
// scheduler that publishes articles at their time. It writes through
// publish.Service, the one write path, and holds no HTTP.
package editorial

import "sahafa/news"

// Action is something a newsroom user asks to do.
type Action string

const (
	ActCreate         Action = "create"          // start a new article
	ActView           Action = "view"            // open an article in the newsroom
	ActEdit           Action = "edit"            // save changes (and restore a revision)
	ActSubmit         Action = "submit"          // draft → review
	ActApprove        Action = "approve"         // review → published or scheduled
	ActReject         Action = "reject"          // review → draft, with a note
	ActPublish        Action = "publish"         // → published or scheduled, without review
	ActUnpublish      Action = "unpublish"       // published → unpublished, scheduled → draft
	ActCorrect        Action = "correct"         // add a correction to a published article
	ActManageSections Action = "manage_sections" // create and rename sections
	ActManageTags     Action = "manage_tags"     // create and rename tags
	ActManageUsers    Action = "manage_users"    // add users, change roles, disable accounts
	ActSettings       Action = "settings"        // site settings
	ActUploadMedia    Action = "upload_media"    // add an image to the library
	ActEditMedia      Action = "edit_media"      // change an image's alt text and caption
	ActTrash          Action = "trash"           // put an article in the trash, or take it out
	ActPurge          Action = "purge"           // delete an article in the trash for good
	ActManageAuthors  Action = "manage_authors"  // edit the author directory, merge authors
	ActBreaking       Action = "breaking"        // post or end the breaking-news line (عاجل)
	ActManagePages    Action = "manage_pages"    // write the static pages (من نحن، اتصل بنا …)
	ActCurate         Action = "curate"          // arrange the home and section fronts (pins)
	ActStats          Action = "stats"           // see the site's readership
	ActModerate       Action = "moderate"        // approve, refuse and answer readers' comments
)

// Actions lists every action, for the authorization tests and the UI.
var Actions = []Action{ActCreate, ActView, ActEdit, ActSubmit, ActApprove, ActReject, ActPublish, ActUnpublish,
	ActCorrect, ActManageSections, ActManageTags, ActManageUsers, ActSettings, ActUploadMedia, ActEditMedia,
	ActTrash, ActPurge, ActManageAuthors, ActBreaking, ActManagePages, ActCurate, ActStats, ActModerate}

// Can reports whether u may do act. a is the article acted on (nil for
// actions on no article); mediaOwner is the uploader of the image for
// ActEditMedia.
//
//   - contributor: writes drafts, edits them while in draft or review,
//     submits them; sees their own articles and published ones.
//   - writer: also publishes, unpublishes and corrects their own articles,
//     and edits them in any status.
//   - editor: all of that on anyone's articles; approves and rejects;
//     manages sections, tags and the author directory; posts breaking
//     news; arranges the fronts; sees the readership; moderates readers'
//     comments; deletes for good what is in the trash.
//   - admin: also users and site settings.
//
// Disabled users may do nothing. Whether an action fits the article's
// current status is the workflow's concern (see transition), not this.
func Can(u news.User, act Action, a *news.Article) bool {
	if u.ID == 0 || u.Disabled || u.Role.Rank() == 0 {
		return false
	}
	editor := u.Role.AtLeast(news.RoleEditor)
	own := a != nil && a.CreatedBy == u.ID
	switch act {
	case ActCreate, ActUploadMedia:
		return true
	case ActView:
		return a != nil && (editor || own || a.Status == news.StatusPublished)
	case ActTrash:
		// Whoever may edit it, and take it down when it is up: a
		// contributor trashes their own drafts only.
		if a == nil {
			return false
		}
		if a.Status == news.StatusPublished || a.Status == news.StatusScheduled {
			return Can(u, ActUnpublish, a)
		}
		return Can(u, ActEdit, a)
	case ActPurge:
		return a != nil && editor
	case ActEdit:
		if a == nil {
			return false
		}
		if editor || (own && u.Role.AtLeast(news.RoleWriter)) {
			return true
		}
		return own && (a.Status == news.StatusDraft || a.Status == news.StatusReview)
	case ActSubmit:
		return a != nil && (own || editor)
	case ActPublish, ActUnpublish, ActCorrect:
		return a != nil && (editor || (own && u.Role.AtLeast(news.RoleWriter)))
	case ActApprove, ActReject:
		return a != nil && editor
	case ActManageSections, ActManageTags, ActManageAuthors, ActBreaking, ActManagePages, ActCurate, ActStats, ActModerate:
		return editor
	case ActManageUsers, ActSettings:
		return u.Role.AtLeast(news.RoleAdmin)
	case ActEditMedia:
		return editor // uploaders may edit their own: see CanEditMedia
	}
	return false
}

// CanEditMedia reports whether u may change an image uploaded by owner.
func CanEditMedia(u news.User, owner int64) bool {
	return Can(u, ActEditMedia, nil) || (Can(u, ActUploadMedia, nil) && u.ID == owner)
}

// forbidden is the error of an action the role does not allow.
func forbidden() error {
	return news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء")
}
