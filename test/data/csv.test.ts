// The CSV parser (src/data/csv.ts): headers (names, scikit-learn's, none), quoting, label
// columns, the real fixtures, and every malformed input named by line and column.
import { describe, expect, it, beforeAll } from 'vitest';
import { csvRecords, parseCsv, parseNumber, type CsvData } from '../../src/data/csv.js';
import { counts, fixture, realData } from '../support/data-fixtures.js';

let digits: CsvData, iris: CsvData, cancer: CsvData;

beforeAll(async () => {
  ({ digits, iris, cancer } = await realData());
});

describe('parseCsv', () => {
  it('reads a header of column names and maps text labels to sorted classes', () => {
    const r = parseCsv('a,b,species\n1,2,cat\n3,4.5,dog\n-5e-1,6,cat\n');
    expect(r.x.shape).toEqual([3, 2]);
    expect(r.x.toArray()).toEqual([[1, 2], [3, 4.5], [-0.5, 6]]);
    expect(r.header).toEqual(['a', 'b', 'species']);
    expect(r.classes).toEqual(['cat', 'dog']);
    expect(r.labels).toEqual([0, 1, 0]);
  });

  it('a numeric label beyond float64 (1e400) is an Error naming it, not a switch to text classes', () => {
    // 1e400 is written as a number: it used to turn every label into a text class (2 → class 3)
    expect(() => parseCsv('x,label\n1,1\n2,2\n3,0\n4,1e400\n')).toThrow('parseCsv: line 5, column 2: label 1e400 overflows to Infinity');
    expect(() => parseCsv('1,-1e999\n2,0\n', { header: false })).toThrow('parseCsv: line 1, column 2: label -1e999 overflows to Infinity');
    // a finite number is kept as written (the caller judges 1e300 against float32)
    expect(parseCsv('x,label\n1,1\n2,1e300\n').labels).toEqual([1, 1e300]);
    // among text labels it is just a class name; given classes, labels are text
    expect(parseCsv('x,label\n1,cat\n2,1e400\n')).toMatchObject({ labels: [1, 0], classes: ['1e400', 'cat'] });
    expect(parseCsv('x,label\n1,1e400\n2,2\n', { classes: ['2', '1e400'] })).toMatchObject({ labels: [1, 0], classes: ['2', '1e400'] });
  });

  it('keeps numeric labels as they are (regression targets too)', () => {
    const r = parseCsv('1,2,0.25\n3,4,7\n', { header: false });
    expect(r.labels).toEqual([0.25, 7]);
    expect(r.classes).toBeUndefined();
    expect(r.header).toBeUndefined();
    // 'auto' sees a line of numbers: data, not a header
    expect(parseCsv('1,2,0.25\n3,4,7\n').x.rows).toBe(2);
  });

  it('handles CRLF, blank lines, spaces, quotes, a byte-order mark', () => {
    const text = '\uFEFF x , "y, quoted" ,label\r\n 1 , 2 ,"a ""b"""\r\n\r\n3,"4",\t"c\r\nd"\r\n\r\n  \r\n';
    const r = parseCsv(text);
    expect(r.header).toEqual(['x', 'y, quoted', 'label']);
    expect(r.x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(r.classes).toEqual(['a "b"', 'c\r\nd']);
    expect(r.labels).toEqual([0, 1]);
    // a lone CR ends a line too
    expect(parseCsv('1,2,0\r3,4,1').x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('takes other delimiters, label columns by index, negative index, name, or none', () => {
    expect(parseCsv('1;2;3\n4;5;6', { delimiter: ';' }).labels).toEqual([3, 6]);
    const tsv = parseCsv('1\t2\t3\n4\t5\t6\n', { delimiter: '\t', labelColumn: 0 });
    expect(tsv.labels).toEqual([1, 4]);
    expect(tsv.x.toArray()).toEqual([[2, 3], [5, 6]]);
    expect(parseCsv('1,2,3\n4,5,6', { labelColumn: -2 }).x.toArray()).toEqual([[1, 3], [4, 6]]);
    const named = parseCsv('y,x1,x2\nb,1,2\na,3,4', { labelColumn: 'y' });
    expect(named.classes).toEqual(['a', 'b']);
    expect(named.labels).toEqual([1, 0]);
    expect(named.x.toArray()).toEqual([[1, 2], [3, 4]]);
    const none = parseCsv('1,2,3\n4,5,6', { labelColumn: null });
    expect(none.x.shape).toEqual([2, 3]);
    expect(none.labels).toEqual([]);
  });

  it('reads an all-numeric header when told to, and maps labels in a given class order', () => {
    const r = parseCsv('10,20,30\n1,2,0\n', { header: true });
    expect(r.header).toEqual(['10', '20', '30']);
    expect(r.x.toArray()).toEqual([[1, 2]]);
    const c = parseCsv('1,cat\n2,dog\n3,cat', { classes: ['dog', 'cat'] });
    expect(c.labels).toEqual([1, 0, 1]);
    expect(c.classes).toEqual(['dog', 'cat']);
    // classes forces class mapping even for numeric-looking labels
    expect(parseCsv('1,7\n2,5', { classes: ['5', '7'] }).labels).toEqual([1, 0]);
  });

  it("reads scikit-learn's n_samples,n_features,class names header, detected or named", () => {
    const text = '3,2,neg,pos\n1,2,0\n3,4,1\n5,6,1\n';
    for (const header of ['auto', 'sklearn'] as const) {
      const r = parseCsv(text, { header });
      expect(r.x.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
      expect(r.labels).toEqual([0, 1, 1]);
      expect(r.classes).toEqual(['neg', 'pos']);
      expect(r.header).toBeUndefined();
    }
    // without class names
    expect(parseCsv('2,2\n1,2,0.5\n3,4,1.5\n').labels).toEqual([0.5, 1.5]);
    // a line of numbers as wide as the data is data, even when it could pass for such a header
    const data = parseCsv('2,2,1\n1,2,0\n3,4,1\n');
    expect(data.x.rows).toBe(3);
    expect(data.labels).toEqual([1, 0, 1]);
    const forced = parseCsv('2,2,9\n1,2,0\n3,4,0\n', { header: 'sklearn' });
    expect(forced.classes).toEqual(['9']);
    expect(forced.x.rows).toBe(2);
  });

  it('parses the real fixtures', () => {
    expect(iris.x.shape).toEqual([150, 4]);
    expect(iris.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(counts(iris.labels)).toEqual({ 0: 50, 1: 50, 2: 50 });
    expect(iris.x.toArray()[0]).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));

    expect(cancer.x.shape).toEqual([569, 30]);
    expect(cancer.classes).toEqual(['malignant', 'benign']);
    expect(counts(cancer.labels)).toEqual({ 0: 212, 1: 357 });
    expect(cancer.x.get(0, 3)).toBe(1001);

    expect(digits.x.shape).toEqual([1797, 64]);
    expect(digits.header).toBeUndefined();
    expect(digits.classes).toBeUndefined();
    expect(new Set(digits.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Math.min(...digits.x.data)).toBe(0);
    expect(Math.max(...digits.x.data)).toBe(16);
    expect(digits.x.data.every((v) => Number.isInteger(v))).toBe(true);
  });

  it('rejects malformed input naming the line and column', () => {
    const bad = ['x,y,z', '1,2,0', '3,4,1', '', '5,6,0', '7,8,1', '9,abc,0'].join('\n');
    expect(() => parseCsv(bad)).toThrow('parseCsv: line 7, column 2: "abc" is not a number');
    const crlf = 'a,b\r\n1,0\r\n\r\n2,0\r\nNaN,1\r\n';
    expect(() => parseCsv(crlf)).toThrow('parseCsv: line 5, column 1: "NaN" is not a number');
    expect(() => parseCsv('1,2,0\n3,4,5,1\n')).toThrow('parseCsv: line 2 has 4 columns, line 1 has 3');
    // a first line mixing numbers and text is bad data, not a header
    expect(() => parseCsv('1,abc,0\n3,4,1\n')).toThrow(
      'parseCsv: line 1, column 2: "abc" is not a number (if line 1 is a header, pass header: true)',
    );
    expect(() => parseCsv('1,2,0\n3,,1\n')).toThrow('parseCsv: line 2, column 2: "" is not a number');
    expect(() => parseCsv('1,2,0\n3,4,\n')).toThrow('parseCsv: line 2, column 3: the label is empty');
    expect(() => parseCsv('1,0x10,0', { header: false })).toThrow('parseCsv: line 1, column 2: "0x10" is not a number');
    expect(() => parseCsv('1,1e39,0', { header: false })).toThrow('parseCsv: line 1, column 2: 1e39 overflows float32');
    expect(() => parseCsv('1,2,0\n3,"4,1\n5,6,0')).toThrow('parseCsv: line 2: a quoted field is never closed');
    expect(() => parseCsv('1,"2"x,0')).toThrow('parseCsv: line 1, column 2: unexpected "x" after a quoted field');
    expect(() => parseCsv('a,b,c\n1,2\n')).toThrow('parseCsv: line 2 has 2 columns, the header on line 1 has 3');
    expect(() => parseCsv('')).toThrow('parseCsv: no data (the text is empty or blank)');
    expect(() => parseCsv('\r\n \n')).toThrow('parseCsv: no data');
    expect(() => parseCsv('a,b,c\n')).toThrow('parseCsv: no data lines after the header on line 1');
    expect(() => parseCsv('1\n2\n')).toThrow('parseCsv: no feature columns');
    expect(() => parseCsv('1,2\n', { labelColumn: 2 })).toThrow('parseCsv: labelColumn 2 is outside the 2 columns of line 1');
    expect(() => parseCsv('a,b\n1,2\n', { labelColumn: 'c' })).toThrow('parseCsv: no column named "c"');
    expect(() => parseCsv('1,2\n', { labelColumn: 'b', header: false })).toThrow('has no header of column names');
    expect(() => parseCsv('1,2\n', { delimiter: ';;' })).toThrow('parseCsv: delimiter must be one character');
    expect(() => parseCsv('1,2\n', { header: 'yes' as never })).toThrow("parseCsv: header must be true, false, 'auto' or 'sklearn'");
    expect(() => parseCsv(42 as never)).toThrow('parseCsv: text must be a string, got 42');
    expect(() => parseCsv('1,cat\n2,cow', { classes: ['cat', 'dog'] })).toThrow(
      'parseCsv: line 2, column 2: label "cow" is not one of options.classes',
    );
  });

  it('checks a scikit-learn header against the data', () => {
    expect(() => parseCsv('4,2,a,b\n1,2,0\n3,4,1\n', { header: 'sklearn' })).toThrow(
      'parseCsv: the scikit-learn header on line 1 announces 4 samples of 2 features, the data has 2 rows of 2 features',
    );
    // detected from its class names: a truncated file is reported, not read as data
    expect(() => parseCsv('4,2,a,b\n1,2,0\n3,4,1\n')).toThrow('announces 4 samples');
    expect(() => parseCsv('2,2,a,b\n1,2,0\n3,4,2\n')).toThrow(
      "parseCsv: line 3, column 3: label 2 is not a class index 0..1 of the header's 2 classes",
    );
    expect(() => parseCsv('x,2,a\n1,2,0\n', { header: 'sklearn' })).toThrow('a scikit-learn header starts with n_samples,n_features');
    // a broken line in a file with such a header is reported where it is
    const broken = fixture('iris.csv').toString('utf8').replace('\n6.4,3.2,4.5,1.5,1', '\n6.4,3.2,4.5,1');
    expect(() => parseCsv(broken)).toThrow(/^parseCsv: line \d+ has 4 columns, line 2 has 5$/);
  });
});

describe('parseCsv: a guessed scikit-learn header that does not fit is data', () => {
  it('5,2,cat is two features and a label when the data says so', () => {
    const text = '5,2,cat\n3,4,dog\n1,1,cat\n';
    for (const options of [{}, { header: 'auto' as const }, { header: false }]) {
      const r = parseCsv(text, options);
      expect(r.x.toArray()).toEqual([[5, 2], [3, 4], [1, 1]]);
      expect(r.labels).toEqual([0, 1, 0]);
      expect(r.classes).toEqual(['cat', 'dog']);
      expect(r.header).toBeUndefined();
    }
    // the label column counts: as the first column
    expect(parseCsv('cat,5,2\ndog,3,4\n', { labelColumn: 0 }).labels).toEqual([0, 1]);
  });

  it('told it is a scikit-learn header, it is checked as one', () => {
    expect(() => parseCsv('5,2,cat\n3,4,dog\n1,1,cat\n', { header: 'sklearn' })).toThrow(
      /^parseCsv: the scikit-learn header on line 1 announces 5 samples of 2 features, the data has 2 rows of 2 features$/,
    );
  });

  it('a truncated scikit-learn file is still reported, with the way out named', () => {
    // as data, line 1's label "a" would be text among numbers: not data of the same kind
    expect(() => parseCsv('4,2,a\n1,2,0\n3,4,0\n')).toThrow(
      'parseCsv: the scikit-learn header on line 1 announces 4 samples of 2 features, the data has 2 rows of 2 features ' +
        '(line 1 was taken for a scikit-learn header; if it is data, pass header: false)',
    );
  });
});

describe('csvRecords and parseNumber (shared with the CLI)', () => {
  it('splits records lazily, with line numbers, quotes and blank lines', () => {
    expect([...csvRecords('x,"a, b"\r\n\n1,"2\n3"\n4;5', ',')]).toEqual([
      { line: 1, cells: ['x', 'a, b'] },
      { line: 3, cells: ['1', '2\n3'] },
      { line: 5, cells: ['4;5'] },
    ]);
    const it = csvRecords('a\n"unclosed', ',');
    expect(it.next().value).toEqual({ line: 1, cells: ['a'] });
    expect(() => it.next()).toThrow('parseCsv: line 2: a quoted field is never closed');
  });

  it('a record of more than 2^21 cells is refused by line as soon as the cap is passed (a line of commas cannot exhaust memory)', () => {
    // 2^21 + 1 empty cells (2^21 commas) on line 2: one too many; a 120 MB line of commas crashed V8
    const commas = ','.repeat(2 ** 21);
    const it = csvRecords(`a,b\n${commas}\n1,2\n`, ',');
    expect(it.next().value).toEqual({ line: 1, cells: ['a', 'b'] });
    expect(() => it.next()).toThrow('parseCsv: line 2: the record has more than 2097152 columns (the most a CSV record may have)');
    expect(() => parseCsv(`x,y\n${commas}1\n`)).toThrow('parseCsv: line 2: the record has more than 2097152 columns');
    // exactly 2^21 cells is a record; in quotes a comma is no separator
    const widest = [...csvRecords(commas.slice(1), ',')];
    expect(widest).toHaveLength(1);
    expect(widest[0]!.cells).toHaveLength(2 ** 21);
    expect([...csvRecords(`"${commas}"`, ',')][0]!.cells).toEqual([commas]);
  });

  it('reads decimals only', () => {
    expect([' 2.5 ', '-1e3', '.5', '7.'].map(parseNumber)).toEqual([2.5, -1000, 0.5, 7]);
    for (const bad of ['', ' ', '0x10', 'Infinity', 'NaN', '1,5', '1e', 'abc']) expect(parseNumber(bad)).toBeNaN();
  });
});

describe('parseCsv: options are read once and checked', () => {
  it('rejects classes that are not strings, naming the entry', () => {
    expect(() => parseCsv('1,a\n', { classes: ['a', 5] as never })).toThrow('parseCsv: classes[1] is 5, not a string');
    expect(() => parseCsv('1,a\n', { classes: 'ab' as never })).toThrow('parseCsv: classes must be an array of strings');
    expect(() => parseCsv(Object.create(null) as never)).toThrow('parseCsv: text must be a string, got an unprintable object');
  });
});

describe('parseCsv: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones; an explicit undefined is the default', () => {
    expect(() => parseCsv('1,2\n', { labelcolumn: 0 } as never)).toThrow('parseCsv: unknown option "labelcolumn"; did you mean "labelColumn"? (known: header, labelColumn, delimiter, classes)');
    expect(parseCsv('1,2\n', { header: undefined, labelColumn: undefined }).labels).toEqual([2]);
  });
});
