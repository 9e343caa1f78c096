package main

import (
	"strings"
	"testing"
	"time"
)

// TestSessionEnv: the web sessions' variables are read, and a bad one
// stops the start with a message naming it.
func TestSessionEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	e, err := loadSessionEnv(env())
	if err != nil || e.idle != 30*time.Minute || e.max != 12*time.Hour || e.trustProxy || e.link || e.oidc.Issuer != "" {
		t.Fatalf("defaults: %+v %v", e, err)
	}
	e, err = loadSessionEnv(env("ZONEGIS_SESSION_IDLE", "15m", "ZONEGIS_SESSION_MAX", "8h", "ZONEGIS_TRUST_PROXY", "true",
		"ZONEGIS_OIDC_ISSUER", "https://id.example", "ZONEGIS_OIDC_CLIENT_ID", "zg", "ZONEGIS_OIDC_LINK_EMAIL", "1"))
	if err != nil || e.idle != 15*time.Minute || e.max != 8*time.Hour || !e.trustProxy || !e.link || e.oidc.Issuer != "https://id.example" || e.oidc.ClientID != "zg" {
		t.Fatalf("set: %+v %v", e, err)
	}
	for _, bad := range [][]string{
		{"ZONEGIS_SESSION_IDLE", "soon"}, {"ZONEGIS_SESSION_IDLE", "10s"}, {"ZONEGIS_SESSION_MAX", "9999h"},
		{"ZONEGIS_TRUST_PROXY", "yes please"}, {"ZONEGIS_OIDC_LINK_EMAIL", "maybe"},
	} {
		if _, err := loadSessionEnv(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%q: %v; want an error naming it", bad[0], bad[1], err)
		}
	}
	if _, err := loadSessionEnv(env("ZONEGIS_SESSION_IDLE", "2h", "ZONEGIS_SESSION_MAX", "1h")); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("idle over max: %v", err)
	}
}
