import { poseidon } from "../crypto/poseidon.js";
import { ValidationError } from "../errors.js";

/** A Merkle path in a 4-ary tree: for each level from the leaf up, the three siblings in order. */
export type QuadPath = bigint[][];

/**
 * A sparse 4-ary Poseidon Merkle tree (docs/protocol.md §2). Inner node = H(c0, c1, c2, c3); unset
 * leaves hold `emptyLeaf`. Level 0 holds the leaves.
 */
export class QuadTree {
  private readonly levels: Map<number, bigint>[];
  /** empty[l] is the value of an untouched node at level l. */
  private readonly empty: bigint[];
  /** A fork's parent (see `fork`): the nodes this tree has not set are the parent's. */
  private readonly parent?: QuadTree;

  constructor(
    readonly depth: number,
    readonly emptyLeaf = 0n,
  ) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 16) throw new ValidationError("depth", "must be an integer in 1..16", depth);
    this.levels = Array.from({ length: depth + 1 }, () => new Map());
    this.empty = [emptyLeaf];
    for (let l = 1; l <= depth; l++) {
      const e = this.empty[l - 1]!;
      this.empty.push(poseidon([e, e, e, e]));
    }
  }

  get capacity(): number {
    return 4 ** this.depth;
  }

  get root(): bigint {
    return this.node(this.depth, 0);
  }

  /** The root of a tree of this shape with no leaf set. */
  get emptyRoot(): bigint {
    return this.empty[this.depth]!;
  }

  get(index: number): bigint {
    this.checkIndex(index);
    return this.node(0, index);
  }

  set(index: number, value: bigint): void {
    this.checkIndex(index);
    this.levels[0]!.set(index, value);
    let i = index;
    for (let l = 1; l <= this.depth; l++) {
      i = Math.floor(i / 4);
      const base = i * 4;
      this.levels[l]!.set(i, poseidon([this.node(l - 1, base), this.node(l - 1, base + 1), this.node(l - 1, base + 2), this.node(l - 1, base + 3)]));
    }
  }

  /** Siblings of `index`, level by level from the leaf up. */
  path(index: number): QuadPath {
    this.checkIndex(index);
    const out: QuadPath = [];
    let i = index;
    for (let l = 0; l < this.depth; l++) {
      const base = i - (i % 4);
      const siblings: bigint[] = [];
      for (let c = 0; c < 4; c++) if (base + c !== i) siblings.push(this.node(l, base + c));
      out.push(siblings);
      i = Math.floor(i / 4);
    }
    return out;
  }

  /** Deep copy (the sparse maps are copied; values are immutable bigints). A fork's copy is a fork of the same parent. */
  clone(): QuadTree {
    return this.derived(this.levels.map((m) => new Map(m)), this.parent);
  }

  /**
   * A copy in O(1) that changes independently of this tree: it reads the nodes it has not set from
   * this tree, so this tree must not change while the fork is in use (the batch builder's view of
   * the state before a fill section, docs/protocol.md §4.5).
   */
  fork(): QuadTree {
    return this.derived(this.levels.map(() => new Map()), this);
  }

  /** A tree of this shape with these nodes over `parent`'s, without hashing the empty levels again. */
  private derived(levels: Map<number, bigint>[], parent: QuadTree | undefined): QuadTree {
    return Object.assign(Object.create(QuadTree.prototype) as QuadTree, { depth: this.depth, emptyLeaf: this.emptyLeaf, empty: this.empty, levels, parent });
  }

  private node(level: number, index: number): bigint {
    return this.levels[level]!.get(index) ?? this.parent?.node(level, index) ?? this.empty[level]!;
  }

  private checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.capacity) {
      throw new ValidationError("index", `must be an integer in [0, ${this.capacity})`, index);
    }
  }
}

/** Root of a 4-ary tree from a leaf, its index and its path; the check every circuit update does. */
export function rootFromPath(leaf: bigint, index: number, path: QuadPath): bigint {
  let h = leaf;
  let i = index;
  for (const siblings of path) {
    const pos = i % 4;
    const children = [...siblings];
    children.splice(pos, 0, h);
    h = poseidon(children);
    i = Math.floor(i / 4);
  }
  return h;
}
