package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// User and session writes change no public page: they run outside writeTx,
// so that they send no change notification (a session is touched on every
// newsroom request, and a notification drops every node's page cache).

const userColumns = `id, email, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(row pgx.Row, extra ...any) (news.User, error) {
	var u news.User
	var role string
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)...)
	u.Role = news.Role(role)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// emailTaken turns a broken uniqueness constraint into a message naming the
// email; other errors pass unchanged.
func emailTaken(err error, email string) error {
	if news.ErrorCode(err) == news.ECONFLICT {
		return news.Errorf(news.ECONFLICT, "a user with the email %s exists", email)
	}
	return err
}

// CreateUser stores a new user; an email already used is ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, u news.User) (news.User, error) {
	if err := news.CheckUser(u); err != nil {
		return news.User{}, err
	}
	now := second(time.Now())
	u.CreatedAt, u.UpdatedAt = now, now
	err := s.query(ctx, "create user", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, now).Scan(&u.ID)
	})
	if err != nil {
		return news.User{}, emailTaken(err, u.Email)
	}
	return u, nil
}

// UpdateUser saves a user's name, email, role, password hash and disabled
// flag.
func (s *Store) UpdateUser(ctx context.Context, u news.User) error {
	if err := news.CheckUser(u); err != nil {
		return err
	}
	err := s.query(ctx, "update user", func(ctx context.Context, c querier) error {
		var id int64
		err := c.QueryRow(ctx, `UPDATE users SET email = $1, name = $2, role = $3, password_hash = $4, disabled = $5,
			updated_at = $6 WHERE id = $7 RETURNING id`,
			u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, second(time.Now()), u.ID).Scan(&id)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "user %d not found", u.ID)
		}
		return err
	})
	return emailTaken(err, u.Email)
}

func (s *Store) oneUser(ctx context.Context, where string, arg any) (news.User, error) {
	var u news.User
	err := s.query(ctx, "get user", func(ctx context.Context, c querier) error {
		var err error
		u, err = scanUser(c.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "user not found")
		}
		return err
	})
	if err != nil {
		return news.User{}, err
	}
	return u, nil
}

// User returns the user with the given id.
func (s *Store) User(ctx context.Context, id int64) (news.User, error) {
	return s.oneUser(ctx, "id = $1", id)
}

// UserByEmail returns the user with the given (normalized) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (news.User, error) {
	return s.oneUser(ctx, "email = $1", email)
}

// Users returns every user, by name (in code point order, as SQLite
// compares text).
func (s *Store) Users(ctx context.Context) ([]news.User, error) {
	var out []news.User
	err := s.query(ctx, "list users", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name COLLATE "C", id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.User, error) { return scanUser(row) })
		return err
	})
	return out, err
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, ss news.Session) (news.Session, error) {
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = second(ss.CreatedAt), second(ss.LastSeen), second(ss.ExpiresAt)
	err := s.query(ctx, "create session", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen,
			expires_at, user_agent, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			ss.TokenHash, ss.UserID, ss.CSRFToken, ss.CreatedAt, ss.LastSeen, ss.ExpiresAt,
			ss.UserAgent, ss.Address).Scan(&ss.ID)
	})
	if err != nil {
		return news.Session{}, err
	}
	return ss, nil
}

const sessionColumns = `s.id, s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen, s.expires_at,
	s.user_agent, s.address`

func scanSession(row pgx.Row, extra ...any) (news.Session, error) {
	var ss news.Session
	err := row.Scan(append([]any{&ss.ID, &ss.TokenHash, &ss.UserID, &ss.CSRFToken, &ss.CreatedAt, &ss.LastSeen,
		&ss.ExpiresAt, &ss.UserAgent, &ss.Address}, extra...)...)
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = ss.CreatedAt.UTC(), ss.LastSeen.UTC(), ss.ExpiresAt.UTC()
	return ss, err
}

// SessionByToken returns the session with this token hash, unless it has
// expired at now, and its user.
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte, now time.Time) (news.Session, news.User, error) {
	var ss news.Session
	var u news.User
	err := s.query(ctx, "get session", func(ctx context.Context, c querier) error {
		var role string
		var err error
		ss, err = scanSession(c.QueryRow(ctx, `SELECT `+sessionColumns+`,
			u.id, u.email, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`,
			tokenHash, second(now)), &u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "no such session")
		}
		u.Role = news.Role(role)
		u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
		return err
	})
	if err != nil {
		return news.Session{}, news.User{}, err
	}
	return ss, u, nil
}

// TouchSession moves a session's last-seen time and expiry.
func (s *Store) TouchSession(ctx context.Context, id int64, lastSeen, expires time.Time) error {
	return s.query(ctx, "touch session", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE id = $3`,
			second(lastSeen), second(expires), id)
		return err
	})
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id int64) error {
	return s.query(ctx, "delete session", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
		return err
	})
}

// DeleteUserSessions ends every session of a user but keep (0 for none);
// it returns how many sessions ended.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep int64) (int, error) {
	var n int
	err := s.query(ctx, "delete sessions", func(ctx context.Context, c querier) error {
		ct, err := c.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
		n = int(ct.RowsAffected())
		return err
	})
	return n, err
}

// UserSessions lists a user's unexpired sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]news.Session, error) {
	var out []news.Session
	err := s.query(ctx, "list sessions", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+sessionColumns+` FROM sessions s
			WHERE s.user_id = $1 AND s.expires_at > $2 ORDER BY s.last_seen DESC, s.id DESC`, userID, second(now))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.Session, error) { return scanSession(row) })
		return err
	})
	return out, err
}
