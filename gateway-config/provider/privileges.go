package main

import (
	"fmt"
	"net/url"
	"os"
	"syscall"
)

const nobody = 65534

// dropRoot continues the process as nobody, keeping only the engine socket's group. The image starts as root
// only because a swarm service cannot be given the node's docker group (stack files have no group_add); once
// the secrets are read, nothing else needs root, so a flaw in the provider does not run as root in its
// container. NOTE: since Go 1.16 syscall.Setuid and Setgid apply to every thread of the process.
func dropRoot(dockerHost string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	groups := []int{}
	if u, err := url.Parse(dockerHost); err == nil && u.Scheme == "unix" {
		st, err := os.Stat(u.Path)
		if err != nil {
			return fmt.Errorf("engine socket: %w", err)
		}
		groups = append(groups, int(st.Sys().(*syscall.Stat_t).Gid))
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("setgroups %v: %w", groups, err)
	}
	if err := syscall.Setgid(nobody); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := syscall.Setuid(nobody); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	return nil
}
