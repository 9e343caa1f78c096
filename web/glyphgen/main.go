// Command glyphgen writes the web map's label glyphs (package glyphs)
// into its bundle: for each range of 256 code points that Vietnamese
// names use, assets/glyphs-<stack>-<start>-<end>.pbf, the URL the map's
// style names (mapstyle.js: glyphs "…/app/assets/glyphs-{fontstack}-{range}.pbf").
// web/build.mjs runs it with the font from the npm package
// @expo-google-fonts/noto-sans (Noto Sans, SIL Open Font License 1.1):
//
//	go run ./glyphgen -font node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf -stack NotoSans-Regular -out dist/assets
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font/sfnt"

	"github.com/zonegis/zonegis/internal/glyphs"
)

// ranges are the starts of the ranges written: Basic Latin and Latin-1
// (0), Latin Extended-A and B (256: Ă Đ Ĩ Ũ Ơ Ư), combining marks (768),
// Latin Extended Additional (7680: U+1E00–1EFF, ạ … ỹ) and general
// punctuation (8192: – ‘ ’ “ ” …).
var ranges = []rune{0, 256, 768, 7680, 8192}

func main() {
	fontPath := flag.String("font", "", "TrueType or OpenType font file")
	stack := flag.String("stack", "", "font stack name, as the style's text-font names it (no spaces or slashes)")
	out := flag.String("out", "", "directory to write the .pbf files to")
	flag.Parse()
	if err := run(*fontPath, *stack, *out); err != nil {
		fmt.Fprintln(os.Stderr, "glyphgen:", err)
		os.Exit(1)
	}
}

func run(fontPath, stack, out string) error {
	if fontPath == "" || stack == "" || out == "" {
		return fmt.Errorf("-font, -stack and -out are needed")
	}
	b, err := os.ReadFile(fontPath)
	if err != nil {
		return err
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", fontPath, err)
	}
	n := 0
	for _, start := range ranges {
		gs, err := glyphs.Range(f, start)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("glyphs-%s-%d-%d.pbf", stack, start, start+255)
		if err := os.WriteFile(filepath.Join(out, name), glyphs.Encode(stack, start, gs), 0o644); err != nil {
			return err
		}
		n += len(gs)
	}
	fmt.Printf("glyphgen: %d glyphs of %s in %d ranges\n", n, stack, len(ranges))
	return nil
}
