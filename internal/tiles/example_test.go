package tiles_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/tiles"
)

func ExampleParse() {
	t, err := tiles.Parse("15", "26099", "15398.mvt")
	fmt.Println(t, err)
	b := t.Bound(0)
	fmt.Printf("lon %.4f..%.4f lat %.4f..%.4f\n", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	_, err = tiles.Parse("2", "4", "0")
	fmt.Println(err)
	// Output:
	// 15/26099/15398 <nil>
	// lon 106.7322..106.7432 lat 10.7578..10.7686
	// tile 2/4/0 does not exist: at zoom 2 x and y go from 0 to 3
}

func ExampleAt() {
	fmt.Println(tiles.At(orb.Point{106.74, 10.76}, 15)) // Tân Thuận, Ho Chi Minh City
	// Output: 15/26099/15398
}
