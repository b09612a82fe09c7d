package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// labelOwner marks the services this provider deployed. Its value is an HMAC of the service's name under a key
// only the provider holds, so a service someone else labels function=true (or copies labels onto under another
// name) is not served, listed, scaled, updated or deleted through OpenFaaS. The dashboard's service policy
// reserves the com.openfaas.* and function labels, so dashboard users cannot set it either.
const labelOwner = "com.openfaas.provider.mac"

// owner signs and checks function names.
type owner struct{ key []byte }

// loadOwnerKey reads the key from owner_key_file if set, else derives it from the basic-auth credentials the
// provider already holds (rotating them makes earlier functions foreign until they are deployed again). Without
// either, a random key lives only as long as the process.
func loadOwnerKey(keyFile, secretMountPath string, basicAuth bool) (owner, error) {
	if keyFile != "" {
		key, err := os.ReadFile(keyFile)
		if err != nil || len(strings.TrimSpace(string(key))) < 16 {
			return owner{}, fmt.Errorf("owner_key_file %s: want at least 16 bytes (%v)", keyFile, err)
		}
		return owner{key: []byte(strings.TrimSpace(string(key)))}, nil
	}
	if basicAuth {
		user, errU := os.ReadFile(filepath.Join(secretMountPath, "basic-auth-user"))
		pass, errP := os.ReadFile(filepath.Join(secretMountPath, "basic-auth-password"))
		if errU != nil || errP != nil {
			return owner{}, fmt.Errorf("owner key from basic auth secrets: %v %v", errU, errP)
		}
		mac := hmac.New(sha256.New, []byte(strings.TrimSpace(string(pass))))
		mac.Write([]byte("swarm-provider owner key v1\x00" + strings.TrimSpace(string(user))))
		return owner{key: mac.Sum(nil)}, nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return owner{}, err
	}
	log.Printf("swarm-provider: WARNING no owner_key_file and no basic auth: functions deployed now are foreign after a restart")
	return owner{key: key}, nil
}

func (o owner) sign(name string) string {
	mac := hmac.New(sha256.New, o.key)
	mac.Write([]byte("function\x00" + name))
	return hex.EncodeToString(mac.Sum(nil))
}

// owns tells whether labels carry this provider's mark for the service name.
func (o owner) owns(name string, labels map[string]string) bool {
	got, err := hex.DecodeString(labels[labelOwner])
	if err != nil || len(got) == 0 {
		return false
	}
	want, _ := hex.DecodeString(o.sign(name))
	return hmac.Equal(got, want) && labels[labelFunction] == "true"
}
