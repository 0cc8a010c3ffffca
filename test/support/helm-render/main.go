// helm-render renders a Helm chart the way `helm template` does, for machines without helm: Go's
// text/template with the sprig function library (the engine and functions Helm itself uses), plus
// Helm's own include, tpl, required, toYaml, fromYaml and toJson. It reads the chart's values.yaml,
// applies --set key=value overrides (dotted keys; true/false/numbers typed as Helm's --set does,
// --set-string keeps strings), and prints every rendered template as a YAML document with Helm's
// "# Source:" header. Built from Debian's Go sources (golang-github-masterminds-sprig-dev,
// golang-gopkg-yaml.v3-dev) in GOPATH mode; no network.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	sprig "github.com/Masterminds/sprig/v3"
	yaml "gopkg.in/yaml.v3"
)

type setFlag struct {
	key, value string
	asString   bool
}

func setPath(values map[string]interface{}, key string, value interface{}) {
	// Helm escapes dots in keys with a backslash.
	var parts []string
	cur := ""
	for i := 0; i < len(key); i++ {
		if key[i] == '\\' && i+1 < len(key) && key[i+1] == '.' {
			cur += "."
			i++
			continue
		}
		if key[i] == '.' {
			parts = append(parts, cur)
			cur = ""
			continue
		}
		cur += string(key[i])
	}
	parts = append(parts, cur)
	m := values
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = value
}

func typed(v string) interface{} {
	if v == "true" {
		return true
	}
	if v == "false" {
		return false
	}
	if v == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	return v
}

func toYaml(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: helm-render CHART NAMESPACE [--set k=v | --set-string k=v]...")
		os.Exit(2)
	}
	chart, namespace := os.Args[1], os.Args[2]
	var sets []setFlag
	for i := 3; i+1 < len(os.Args); i += 2 {
		kv := strings.SplitN(os.Args[i+1], "=", 2)
		if len(kv) != 2 {
			fmt.Fprintf(os.Stderr, "bad %s %s\n", os.Args[i], os.Args[i+1])
			os.Exit(2)
		}
		sets = append(sets, setFlag{kv[0], kv[1], os.Args[i] == "--set-string"})
	}
	raw, err := os.ReadFile(filepath.Join(chart, "values.yaml"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(raw, &values); err != nil {
		fmt.Fprintln(os.Stderr, "values.yaml:", err)
		os.Exit(1)
	}
	for _, s := range sets {
		if s.asString {
			setPath(values, s.key, s.value)
		} else {
			setPath(values, s.key, typed(s.value))
		}
	}
	chartMeta := map[string]interface{}{}
	if rawChart, err := os.ReadFile(filepath.Join(chart, "Chart.yaml")); err == nil {
		_ = yaml.Unmarshal(rawChart, &chartMeta)
	}
	data := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": "bosun", "Namespace": namespace, "Service": "Helm", "IsInstall": true},
		"Chart":   chartMeta,
	}

	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	funcs["toYaml"] = toYaml
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		out := map[string]interface{}{}
		_ = yaml.Unmarshal([]byte(s), &out)
		return out
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	root.Funcs(funcs).Option("missingkey=zero")

	files, _ := filepath.Glob(filepath.Join(chart, "templates", "*"))
	sort.Strings(files)
	var rendered []string
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if _, err := root.New(filepath.Base(f)).Parse(string(text)); err != nil {
			fmt.Fprintln(os.Stderr, "parse:", err)
			os.Exit(1)
		}
		rendered = append(rendered, filepath.Base(f))
	}
	for _, name := range rendered {
		if strings.HasPrefix(name, "_") || strings.HasSuffix(name, ".txt") {
			continue
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			fmt.Fprintln(os.Stderr, "render:", err)
			os.Exit(1)
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(out) == "" {
			continue
		}
		fmt.Printf("---\n# Source: bosun/templates/%s\n%s\n", name, strings.TrimSpace(out))
	}
}
