package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sahafa/news"
)

const userColumns = `id, email, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(sc scanner) (news.User, error) {
	var u news.User
	var created, updated int64
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated)
	u.CreatedAt, u.UpdatedAt = fromUnix(created), fromUnix(updated)
	return u, err
}

// CreateUser stores a new user.
func (s *Store) CreateUser(ctx context.Context, u news.User) (news.User, error) {
	if err := news.CheckUser(u); err != nil {
		return news.User{}, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	u.CreatedAt, u.UpdatedAt = now, now
	err := s.w.QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, now.Unix(), now.Unix()).Scan(&u.ID)
	if err != nil {
		err = wrapErr("create user", err)
		if news.ErrorCode(err) == news.ECONFLICT {
			return news.User{}, news.Errorf(news.ECONFLICT, "a user with the email %s exists", u.Email)
		}
		return news.User{}, err
	}
	return u, nil
}

// UpdateUser saves a user's fields.
func (s *Store) UpdateUser(ctx context.Context, u news.User) error {
	if err := news.CheckUser(u); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE users SET email = ?, name = ?, role = ?, password_hash = ?, disabled = ?,
		updated_at = ? WHERE id = ?`, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, time.Now().Unix(), u.ID)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ENOTFOUND, "user %d not found", u.ID))
	}
	if err = wrapErr("update user", err); news.ErrorCode(err) == news.ECONFLICT {
		return news.Errorf(news.ECONFLICT, "a user with the email %s exists", u.Email)
	}
	return err
}

func (s *Store) oneUser(ctx context.Context, where string, arg any) (news.User, error) {
	u, err := scanUser(s.read().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return news.User{}, news.Errorf(news.ENOTFOUND, "user not found")
	}
	return u, wrapErr("get user", err)
}

// User returns the user with the given id.
func (s *Store) User(ctx context.Context, id int64) (news.User, error) {
	return s.oneUser(ctx, "id = ?", id)
}

// UserByEmail returns the user with the given (normalized) email.
func (s *Store) UserByEmail(ctx context.Context, email string) (news.User, error) {
	return s.oneUser(ctx, "email = ?", email)
}

// Users returns every user, by name.
func (s *Store) Users(ctx context.Context) ([]news.User, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, wrapErr("list users", err)
	}
	defer rows.Close()
	var out []news.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrapErr("list users", err)
		}
		out = append(out, u)
	}
	return out, wrapErr("list users", rows.Err())
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, ss news.Session) (news.Session, error) {
	err := s.w.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen,
		expires_at, user_agent, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ss.TokenHash, ss.UserID, ss.CSRFToken, ss.CreatedAt.Unix(), ss.LastSeen.Unix(), ss.ExpiresAt.Unix(),
		ss.UserAgent, ss.Address).Scan(&ss.ID)
	if err != nil {
		return news.Session{}, wrapErr("create session", err)
	}
	return ss, nil
}

const sessionColumns = `s.id, s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen, s.expires_at,
	s.user_agent, s.address`

func scanSession(sc scanner, extra ...any) (news.Session, error) {
	var ss news.Session
	var created, seen, expires int64
	err := sc.Scan(append([]any{&ss.ID, &ss.TokenHash, &ss.UserID, &ss.CSRFToken, &created, &seen, &expires,
		&ss.UserAgent, &ss.Address}, extra...)...)
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = fromUnix(created), fromUnix(seen), fromUnix(expires)
	return ss, err
}

// SessionByToken returns the unexpired session with this token hash and its user.
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte, now time.Time) (news.Session, news.User, error) {
	var u news.User
	var created, updated int64
	ss, err := scanSession(s.read().QueryRowContext(ctx, `SELECT `+sessionColumns+`,
		u.id, u.email, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
		tokenHash, now.Unix()), &u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Session{}, news.User{}, news.Errorf(news.ENOTFOUND, "no such session")
	}
	if err != nil {
		return news.Session{}, news.User{}, wrapErr("get session", err)
	}
	u.CreatedAt, u.UpdatedAt = fromUnix(created), fromUnix(updated)
	return ss, u, nil
}

// TouchSession moves a session's last-seen time and expiry.
func (s *Store) TouchSession(ctx context.Context, id int64, lastSeen, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?`,
		lastSeen.Unix(), expires.Unix(), id)
	return wrapErr("touch session", err)
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return wrapErr("delete session", err)
}

// DeleteUserSessions ends every session of a user but keep.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep int64) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keep)
	if err != nil {
		return 0, wrapErr("delete sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), wrapErr("delete sessions", err)
}

// UserSessions lists a user's unexpired sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]news.Session, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions s
		WHERE s.user_id = ? AND s.expires_at > ? ORDER BY s.last_seen DESC, s.id DESC`, userID, now.Unix())
	if err != nil {
		return nil, wrapErr("list sessions", err)
	}
	defer rows.Close()
	var out []news.Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, wrapErr("list sessions", err)
		}
		out = append(out, ss)
	}
	return out, wrapErr("list sessions", rows.Err())
}
