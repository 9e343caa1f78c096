package main

import (
	"context"
	"strings"
	"testing"
)

// TestBoardsCLI creates, lists, edits and deletes a board with
// `zonegis boards`, checked in the database; bad input names the field.
func TestBoardsCLI(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := c.run(t, "boards", "create", "--id", "bql-dong-nai", "--name-vi", "Ban Quản lý các KCN Đồng Nai",
		"--name-en", "Dong Nai IZA", "--province", "Đồng Nai", "--website", "https://diza.dongnai.gov.vn")
	if err != nil || out != "created board bql-dong-nai (Ban Quản lý các KCN Đồng Nai, Đồng Nai)\n" {
		t.Fatalf("boards create: %v %q %q", err, out, errOut)
	}
	ctx := context.Background()
	db := c.db(t)
	b, err := db.Board(ctx, "bql-dong-nai")
	if err != nil || b.NameEN != "Dong Nai IZA" || b.Website != "https://diza.dongnai.gov.vn" || b.Version != 1 {
		t.Fatalf("in the database: %+v %v", b, err)
	}
	if _, _, err := c.run(t, "boards", "create", "--id", "x", "--name-en", "X"); err == nil ||
		!strings.Contains(err.Error(), `id "x" must be`) || !strings.Contains(err.Error(), "name_vi is required") {
		t.Errorf("bad create: %v", err)
	}
	if _, _, err := c.run(t, "boards", "create", "--id", "bql-dong-nai", "--name-vi", "a", "--name-en", "b", "--province", "c"); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate create: %v", err)
	}

	out, _, err = c.run(t, "boards", "edit", "bql-dong-nai", "--name-en", "Dong Nai Industrial Zones Authority", "--website", "")
	if err != nil || !strings.HasPrefix(out, "edited board bql-dong-nai (version 2): Ban Quản lý các KCN Đồng Nai, Dong Nai Industrial Zones Authority, Đồng Nai, no website") {
		t.Fatalf("boards edit: %v %q", err, out)
	}
	if b, _ = db.Board(ctx, "bql-dong-nai"); b.NameEN != "Dong Nai Industrial Zones Authority" || b.Website != "" || b.NameVI != "Ban Quản lý các KCN Đồng Nai" {
		t.Fatalf("after edit: %+v", b)
	}
	if _, _, err := c.run(t, "boards", "edit", "bql-dong-nai"); err == nil || !strings.Contains(err.Error(), "nothing to change") {
		t.Errorf("empty edit: %v", err)
	}
	if _, _, err := c.run(t, "boards", "edit", "no-such", "--province", "x"); err == nil || !strings.Contains(err.Error(), `no management board with id "no-such"`) {
		t.Errorf("edit unknown: %v", err)
	}

	out, _, err = c.run(t, "boards", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || !strings.HasPrefix(lines[0], "ID") || !strings.HasPrefix(lines[1], "bql-dong-nai") ||
		!strings.Contains(lines[1], "Đồng Nai") || !strings.HasSuffix(lines[1], "2") {
		t.Fatalf("boards list: %v\n%s", err, out)
	}
	if out, _, err = c.run(t, "boards", "delete", "bql-dong-nai"); err != nil || out != "deleted board bql-dong-nai\n" {
		t.Fatalf("boards delete: %v %q", err, out)
	}
	if _, err := db.Board(ctx, "bql-dong-nai"); err == nil {
		t.Fatal("the board is still there")
	}
}
