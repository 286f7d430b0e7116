package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"sahafa/accounts"
	"sahafa/news"
)

// input is where commands read what they prompt for; tests replace it.
var input io.Reader = os.Stdin

const userUsage = `usage:
  sahafa user add --email EMAIL --role ROLE [--name NAME] [--password-file FILE]
  sahafa user passwd --email EMAIL [--password-file FILE]
  sahafa user list

roles: contributor, writer, editor, admin. Without --password-file the
password is asked for (twice, not echoed, on a terminal; one line from
standard input otherwise).`

func userCommand(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	if len(args) == 0 {
		return usageError{userUsage}
	}
	sub, args := args[0], args[1:]
	fs, where := newFlags("user "+sub, stderr)
	email := fs.String("email", "", "the user's email (sign-in name)")
	role := fs.String("role", "", "contributor, writer, editor or admin")
	name := fs.String("name", "", "name shown in bylines (default: the part of the email before @)")
	pwFile := fs.String("password-file", "", "read the password from the first line of FILE")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("user %s takes no arguments, got %q", sub, fs.Args())}
	}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	svc := accounts.New(a.store, accounts.Options{Logger: logger})

	switch sub {
	case "add":
		if *email == "" || *role == "" {
			return usageError{"user add: --email and --role are required\n\n" + userUsage}
		}
		if *name == "" {
			*name, _, _ = strings.Cut(*email, "@")
		}
		pw, err := readPassword(*pwFile, stderr, true)
		if err != nil {
			return err
		}
		u, err := svc.CreateUser(ctx, accounts.UserInput{Email: *email, Name: *name, Role: *role, Password: pw})
		if err != nil {
			return describeFieldErrors("user add", err)
		}
		fmt.Fprintf(stdout, "added %s (%s, %s); sign in at /newsroom/login\n", u.Email, u.Name, u.Role)
		return nil
	case "passwd":
		if *email == "" {
			return usageError{"user passwd: --email is required"}
		}
		addr, _ := news.NormalizeEmail(*email)
		u, err := a.store.UserByEmail(ctx, addr)
		if err != nil {
			return fmt.Errorf("user passwd: %s: %s", *email, news.ErrorMessage(err))
		}
		pw, err := readPassword(*pwFile, stderr, true)
		if err != nil {
			return err
		}
		if _, err := svc.UpdateUser(ctx, u.ID, accounts.UserInput{Email: u.Email, Name: u.Name, Role: string(u.Role), Password: pw}); err != nil {
			return describeFieldErrors("user passwd", err)
		}
		fmt.Fprintf(stdout, "changed the password of %s and signed them out everywhere\n", u.Email)
		return nil
	case "list":
		users, err := a.store.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tROLE\tNAME\tSTATE")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Role, u.Name, state)
		}
		return tw.Flush()
	}
	return usageError{fmt.Sprintf("unknown user command %q\n\n%s", sub, userUsage)}
}

// describeFieldErrors turns form errors into one message for the terminal.
func describeFieldErrors(cmd string, err error) error {
	var fe news.FieldErrors
	if errors.As(err, &fe) {
		var b strings.Builder
		for field, msg := range fe {
			fmt.Fprintf(&b, "\n  --%s: %s", field, msg)
		}
		return fmt.Errorf("%s: refused:%s", cmd, b.String())
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

// readPassword reads a password from file, or asks for it: twice without
// echo on a terminal, one line from standard input otherwise (scripts).
func readPassword(file string, stderr io.Writer, confirm bool) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	if f, ok := input.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "password: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if confirm {
			fmt.Fprint(stderr, "again: ")
			again, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(stderr)
			if err != nil {
				return "", fmt.Errorf("read password: %w", err)
			}
			if string(again) != string(pw) {
				return "", errors.New("the two passwords differ")
			}
		}
		return string(pw), nil
	}
	line, err := bufio.NewReader(input).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given (use --password-file, or type it on standard input)")
	}
	return line, nil
}
