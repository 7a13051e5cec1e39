import { plainText, renderMarkdown } from '../../src/modules/content/content.markdown';

describe('renderMarkdown', () => {
  it('renders ordinary formatting: headings (h1 becomes h2, the page title is the h1), emphasis, lists, quotes, code, tables', () => {
    expect(renderMarkdown('# Başlık\n\nMerhaba **dünya** ve _sen_.')).toBe('<h2>Başlık</h2>\n<p>Merhaba <strong>dünya</strong> ve <em>sen</em>.</p>');
    expect(renderMarkdown('## Alt başlık\n\n### Üçüncü')).toBe('<h2>Alt başlık</h2>\n<h3>Üçüncü</h3>');
    expect(renderMarkdown('- bir\n- iki\n\n1. one\n2. two')).toBe('<ul>\n<li>bir</li>\n<li>iki</li>\n</ul>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>');
    expect(renderMarkdown('> alıntı')).toBe('<blockquote>\n<p>alıntı</p>\n</blockquote>');
    expect(renderMarkdown('~~eski~~ `kod`')).toBe('<p><del>eski</del> <code>kod</code></p>');
    expect(renderMarkdown('| a | b |\n|---|:-:|\n| 1 | 2 |')).toBe(
      '<table>\n<thead>\n<tr>\n<th>a</th>\n<th align="center">b</th>\n</tr>\n</thead>\n<tbody><tr>\n<td>1</td>\n<td align="center">2</td>\n</tr>\n</tbody></table>',
    );
  });

  it('gives every link rel="noopener noreferrer nofollow" and keeps http(s) and mailto addresses and titles', () => {
    expect(renderMarkdown('[Başvuru](https://example.org/apply "Başvur")')).toBe(
      '<p><a href="https://example.org/apply" title="Başvur" rel="noopener noreferrer nofollow">Başvuru</a></p>',
    );
    expect(renderMarkdown('[ofis](mailto:iro@example.edu.tr)')).toBe('<p><a href="mailto:iro@example.edu.tr" rel="noopener noreferrer nofollow">ofis</a></p>');
    // A rel the author wrote is replaced, and target and event handlers are dropped.
    expect(renderMarkdown('<a href="https://x.org" rel="opener" target="_blank" onclick="steal()">x</a>')).toBe(
      '<p><a href="https://x.org" rel="noopener noreferrer nofollow">x</a></p>',
    );
  });

  it('keeps images from http(s) addresses with their alt text', () => {
    expect(renderMarkdown('![Kampüs](https://example.org/campus.jpg)')).toBe('<p><img src="https://example.org/campus.jpg" alt="Kampüs" /></p>');
  });

  it('removes scripts, iframes, svg, style attributes, event handlers, javascript: and data: URLs', () => {
    expect(renderMarkdown('<script>alert(1)</script>sonra')).toBe('sonra');
    expect(renderMarkdown('<img src="https://x.org/a.png" onerror="alert(1)">')).toBe('<img src="https://x.org/a.png" />');
    expect(renderMarkdown('[tıkla](javascript:alert(1))')).toBe('<p><a rel="noopener noreferrer nofollow">tıkla</a></p>');
    expect(renderMarkdown('<a href="JaVaScRiPt:alert(1)">x</a>')).toBe('<p><a rel="noopener noreferrer nofollow">x</a></p>');
    expect(renderMarkdown('<iframe src="https://evil.example"></iframe>sonra')).toBe('sonra');
    expect(renderMarkdown('<svg onload="alert(1)"><circle r="5"/></svg>')).toBe('<p></p>');
    expect(renderMarkdown('![p](data:image/png;base64,iVBORw0KGgo=)')).toBe('<p><img alt="p" /></p>');
    expect(renderMarkdown('<img src="data:image/svg+xml;base64,PHN2Zz4=">')).toBe('<img />');
    expect(renderMarkdown('<p style="color:red;background:url(javascript:alert(1))">kırmızı</p>')).toBe('<p>kırmızı</p>');
    expect(renderMarkdown('<IMG SRC="jav&#x09;ascript:alert(1)">')).toBe('<img />');
    expect(renderMarkdown('<a href="//evil.example/x">protocol-relative</a>')).toBe('<p><a rel="noopener noreferrer nofollow">protocol-relative</a></p>');
    expect(renderMarkdown('<details open ontoggle="alert(1)">')).toBe('');
    expect(renderMarkdown('<style>body{display:none}</style><form action="https://x"><input name="q"></form>metin')).toBe('metin');
  });

  it('shows HTML written inside code as text', () => {
    expect(renderMarkdown('```\n<script>x()</script>\n```')).toBe('<pre><code>&lt;script&gt;x()&lt;/script&gt;\n</code></pre>');
  });

  it('renders nothing dangerous from a whole hostile document, keeping its harmless parts', () => {
    const html = renderMarkdown(
      [
        '# Duyuru',
        '<script>document.cookie</script>',
        '<img src=x onerror=alert(1)>',
        '[link](javascript:alert(1))',
        '<iframe src="https://evil"></iframe>',
        '<svg onload=alert(1)></svg>',
        '![x](data:image/png;base64,AAAA)',
        '<p style="position:fixed">styled</p>',
        '- madde',
      ].join('\n\n'),
    );
    for (const bad of ['<script', 'document.cookie', 'onerror', 'javascript:', '<iframe', '<svg', 'onload', 'data:', 'style=']) expect(html).not.toContain(bad);
    expect(html).toContain('<h2>Duyuru</h2>');
    expect(html).toContain('<p>styled</p>');
    expect(html).toContain('<li>madde</li>');
  });
});

describe('plainText', () => {
  it('is the rendered text without tags, on one line', () => {
    expect(plainText('# Başlık\n\nMerhaba **dünya**\n\n- bir\n- iki')).toBe('Başlık Merhaba dünya bir iki');
    expect(plainText('[Başvuru](https://example.org) ve ![resim](https://example.org/r.png) burada')).toBe('Başvuru ve burada');
    expect(plainText('Satır bir\nsatır iki\n\n\nParagraf')).toBe('Satır bir satır iki Paragraf');
  });

  it('drops scripts and markup entirely', () => {
    expect(plainText('Önce <script>alert(1)</script> sonra <b>kalın</b>')).toBe('Önce sonra kalın');
  });

  it('is text, not HTML: ampersands, angle brackets and quotes come out as themselves', () => {
    expect(plainText('Tom & Jerry <3 "tırnak" it\'s')).toBe('Tom & Jerry <3 "tırnak" it\'s');
    expect(plainText('5 < 6 > 4 `<kod>`')).toBe('5 < 6 > 4 <kod>');
    expect(plainText('a &amp; b')).toBe('a & b');
    expect(plainText('&amp;lt; yazılır')).toBe('&lt; yazılır');
  });
});
